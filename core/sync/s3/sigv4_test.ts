/**
 * The signer against the worked examples of AWS's S3 documentation ("Signature Calculations for
 * the Authorization Header: Transferring Payload in a Single Chunk"): access key
 * AKIAIOSFODNN7EXAMPLE, region us-east-1, 2013-05-24. Each example gives the canonical request,
 * the string to sign and the signature; all must match exactly.
 */
import { assertEquals } from "../../../tests/_assert.ts";
import { amzDate, EMPTY_SHA256, sha256Hex, signRequest, uriEncode } from "./sigv4.ts";

const creds = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const host = "examplebucket.s3.amazonaws.com";
const date = "20130524T000000Z";

Deno.test("sigv4: GET Object with a Range header (AWS example)", async () => {
  const s = await signRequest({
    method: "GET",
    path: "/test.txt",
    query: [],
    headers: {
      Host: host,
      Range: "bytes=0-9",
      "x-amz-content-sha256": EMPTY_SHA256,
      "x-amz-date": date,
    },
    payloadSha256Hex: EMPTY_SHA256,
    region: "us-east-1",
  }, creds);
  assertEquals(
    s.stringToSign.split("\n")[3],
    "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
  );
  assertEquals(
    s.authorization,
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
      "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
      "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
  );
});

Deno.test("sigv4: PUT Object with a $ in the key and a storage class (AWS example)", async () => {
  const payload = await sha256Hex("Welcome to Amazon S3.");
  assertEquals(payload, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const s = await signRequest({
    method: "PUT",
    path: `/${uriEncode("test$file.text", false)}`,
    query: [],
    headers: {
      Date: "Fri, 24 May 2013 00:00:00 GMT",
      Host: host,
      "x-amz-date": date,
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
      "x-amz-content-sha256": payload,
    },
    payloadSha256Hex: payload,
    region: "us-east-1",
  }, creds);
  assertEquals(s.canonicalRequest.split("\n")[1], "/test%24file.text");
  assertEquals(
    s.authorization.split("Signature=")[1],
    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
  );
});

Deno.test("sigv4: GET Bucket lifecycle, a query parameter without a value (AWS example)", async () => {
  const s = await signRequest({
    method: "GET",
    path: "/",
    query: [["lifecycle", ""]],
    headers: { host, "x-amz-date": date, "x-amz-content-sha256": EMPTY_SHA256 },
    payloadSha256Hex: EMPTY_SHA256,
    region: "us-east-1",
  }, creds);
  assertEquals(s.canonicalRequest.split("\n")[2], "lifecycle=");
  assertEquals(
    s.authorization.split("Signature=")[1],
    "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
  );
});

Deno.test("sigv4: List Objects, query sorted by name (AWS example)", async () => {
  const s = await signRequest({
    method: "GET",
    path: "/",
    query: [["prefix", "J"], ["max-keys", "2"]],
    headers: { host, "x-amz-date": date, "x-amz-content-sha256": EMPTY_SHA256 },
    payloadSha256Hex: EMPTY_SHA256,
    region: "us-east-1",
  }, creds);
  assertEquals(s.canonicalRequest.split("\n")[2], "max-keys=2&prefix=J");
  assertEquals(
    s.authorization.split("Signature=")[1],
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
});

Deno.test("sigv4: encodings and dates", () => {
  assertEquals(uriEncode("M 42/2026-01-05/a+b~c.fits", false), "M%2042/2026-01-05/a%2Bb~c.fits");
  assertEquals(uriEncode("a/b"), "a%2Fb");
  assertEquals(uriEncode("Ω"), "%CE%A9");
  assertEquals(amzDate(Date.UTC(2013, 4, 24, 1, 2, 3, 456)), "20130524T010203Z");
});
