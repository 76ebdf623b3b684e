/** The XML reader on S3's documented answers (shapes from the S3 API reference). */
import { assertEquals } from "../../../tests/_assert.ts";
import { child, childrenNamed, childText, documentElement, escapeXml, parseXml } from "./xml.ts";

Deno.test("xml: ListMultipartUploadsResult with namespace, entities and two uploads", () => {
  const doc = documentElement(`<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>bucket</Bucket>
  <IsTruncated>false</IsTruncated>
  <Upload>
    <Key>M&amp;42/2026-01-05/a.fits</Key>
    <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated>
  </Upload>
  <Upload><Key>b</Key><UploadId>2</UploadId><Initiated>2010-11-10T20:49:33.000Z</Initiated></Upload>
</ListMultipartUploadsResult>`);
  assertEquals(doc?.name, "ListMultipartUploadsResult");
  const uploads = childrenNamed(doc, "Upload");
  assertEquals(uploads.map((u) => childText(u, "Key")), ["M&42/2026-01-05/a.fits", "b"]);
  assertEquals(childText(doc, "IsTruncated"), "false");
});

Deno.test("xml: an Error document, self-closing elements, CDATA and numeric references", () => {
  const doc = documentElement(
    `<Error><Code>SlowDown</Code><Empty/><Message><![CDATA[Please <reduce>]]> &#x263A;&#65;</Message></Error>`,
  );
  assertEquals(childText(doc, "Code"), "SlowDown");
  assertEquals(child(doc, "Empty")?.text, "");
  assertEquals(childText(doc, "Message"), "Please <reduce> ☺A");
  assertEquals(parseXml("").children, []);
  assertEquals(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});
