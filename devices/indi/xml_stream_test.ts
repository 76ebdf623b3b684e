import assert from "node:assert/strict";
import { Base64Sink } from "./base64_sink.ts";
import { IndiXmlStream, type XmlElement } from "./xml_stream.ts";

const enc = new TextEncoder();

const SAMPLE =
  `<defNumberVector device="Telescope Simulator" name="EQUATORIAL_EOD_COORD" label="Eq. Coordinates" group="Main Control" state="Idle" perm="rw" timeout="60" timestamp="2026-11-25T13:56:18">
    <defNumber name="RA" label="RA (hh:mm:ss)" format="%010.6m" min="0" max="24" step="0">
12:30:15
    </defNumber>
    <defNumber name="DEC" label="DEC (dd:mm:ss)" format="%010.6m" min="-90" max="90" step="0">
-5.5
    </defNumber>
</defNumberVector>
<message device="CCD Simulator" timestamp="2026-11-25T13:56:18" message="a &lt;quoted&gt; &amp; &#233;l&#xE9;ment"/>
<setBLOBVector device="CCD Simulator" name="CCD1" state="Ok">
  <oneBLOB name="CCD1" size="11" format=".fits">
aGVsbG8g
d29ybGQ=
  </oneBLOB>
</setBLOBVector>
<delProperty device="Dome Simulator" name="DOME_PARK"/>
`;

function summary(elements: XmlElement[]): string {
  return JSON.stringify(elements, (_k, v) => v instanceof Uint8Array ? [...v] : v);
}

Deno.test("xml stream: a whole sample parses into four elements", () => {
  const elements = new IndiXmlStream().push(enc.encode(SAMPLE));
  assert.deepEqual(elements.map((e) => e.tag), [
    "defNumberVector",
    "message",
    "setBLOBVector",
    "delProperty",
  ]);
  const ra = elements[0]!.children[0]!;
  assert.equal(ra.attrs.format, "%010.6m");
  assert.equal(ra.text.trim(), "12:30:15");
  assert.equal(elements[1]!.attrs.message, "a <quoted> & élément");
  assert.equal(new TextDecoder().decode(elements[2]!.children[0]!.blob), "hello world");
});

Deno.test("xml stream: split at every byte boundary gives the same elements", () => {
  const bytes = enc.encode(SAMPLE);
  const expected = summary(new IndiXmlStream().push(bytes));
  for (let cut = 1; cut < bytes.length; cut++) {
    const stream = new IndiXmlStream();
    const got = [...stream.push(bytes.subarray(0, cut)), ...stream.push(bytes.subarray(cut))];
    assert.equal(summary(got), expected, `split at byte ${cut}`);
    assert.ok(stream.idle);
  }
});

Deno.test("xml stream: one byte per read, and many copies in one read", () => {
  const bytes = enc.encode(SAMPLE);
  const stream = new IndiXmlStream();
  const got: XmlElement[] = [];
  for (let i = 0; i < bytes.length; i++) got.push(...stream.push(bytes.subarray(i, i + 1)));
  assert.equal(summary(got), summary(new IndiXmlStream().push(bytes)));
  const many = enc.encode(SAMPLE.repeat(50));
  assert.equal(new IndiXmlStream().push(many).length, 200);
});

Deno.test("xml stream: malformed input is an error naming the problem", () => {
  assert.throws(() => new IndiXmlStream().push(enc.encode("<a><b></a>")), /<\/a> closes <b>/);
  assert.throws(() => new IndiXmlStream().push(enc.encode("</a>")), /without an open element/);
  assert.throws(
    () => new IndiXmlStream({ maxTextBytes: 10 }).push(enc.encode("<a>" + "x".repeat(20))),
    /exceeds 10 bytes/,
  );
  assert.throws(
    () => new IndiXmlStream().push(enc.encode(`<setBLOBVector><oneBLOB size="3">ab*c</oneBLOB>`)),
    /invalid byte/,
  );
});

Deno.test("base64 sink matches atob for every length, split anywhere", () => {
  for (let n = 0; n < 40; n++) {
    const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
    const text = btoa(String.fromCharCode(...data)).replace(/(.{7})/g, "$1\n");
    const bytes = enc.encode(text);
    for (const cut of [0, 1, Math.floor(bytes.length / 2), bytes.length]) {
      const sink = new Base64Sink(cut === 1 ? 0 : n);
      sink.push(bytes.subarray(0, cut));
      sink.push(bytes.subarray(cut));
      assert.deepEqual([...sink.finish()], [...data], `n=${n} cut=${cut}`);
    }
  }
});

Deno.test("xml stream: a 48 MB BLOB streams in 64 KB reads without large strings", () => {
  const payloadBytes = 48 * 1024 * 1024;
  // One base64 line of 76 chars encodes 57 bytes; repeat a fixed line to build the body lazily.
  const line = enc.encode(
    btoa(String.fromCharCode(...Array.from({ length: 57 }, (_, i) => i))) + "\n",
  );
  const lines = Math.ceil(payloadBytes / 57);
  const stream = new IndiXmlStream();
  const head = enc.encode(
    `<setBLOBVector device="C" name="CCD1"><oneBLOB name="CCD1" size="${
      lines * 57
    }" format=".fits">`,
  );
  const heapBeforeBytes = Deno.memoryUsage().heapUsed;
  assert.equal(stream.push(head).length, 0);
  const chunk = new Uint8Array(line.length * 862); // ~64 KB of whole lines
  for (let i = 0; i < 862; i++) chunk.set(line, i * line.length);
  let sent = 0;
  let peakHeapBytes = 0;
  while (sent < lines) {
    const n = Math.min(862, lines - sent);
    assert.equal(stream.push(chunk.subarray(0, n * line.length)).length, 0);
    sent += n;
    if (sent % (862 * 64) === 0) {
      peakHeapBytes = Math.max(peakHeapBytes, Deno.memoryUsage().heapUsed);
    }
  }
  const [element] = stream.push(enc.encode("</oneBLOB></setBLOBVector>"));
  const blob = element!.children[0]!.blob!;
  assert.equal(blob.length, lines * 57);
  assert.equal(blob[57 * 1000 + 5], 5);
  // The decoded bytes live outside the JS heap (an ArrayBuffer); the heap must not have grown by
  // anything like the 64 MB of base64 text a string-building parser would hold.
  const grewBytes = peakHeapBytes - heapBeforeBytes;
  assert.ok(grewBytes < 16 * 1024 * 1024, `heap grew by ${(grewBytes / 1e6).toFixed(1)} MB`);
});
