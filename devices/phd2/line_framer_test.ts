import assert from "node:assert/strict";
import { LineFramer, LineTooLongError, MAX_LINE_BYTES } from "./line_framer.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("LineFramer: CRLF and LF endings, several lines per chunk, blank lines skipped", () => {
  const framer = new LineFramer();
  assert.deepEqual(framer.push(bytes('{"a":1}\r\n{"b":2}\n\r\n{"c":3}\r\n')), [
    '{"a":1}',
    '{"b":2}',
    '{"c":3}',
  ]);
  assert.equal(framer.pendingBytes, 0);
});

Deno.test("LineFramer: a line split across reads, byte by byte, even inside a UTF-8 character", () => {
  const framer = new LineFramer();
  const text = '{"Msg":"Stern verloren – Wolken ☁"}\r\n';
  const lines: string[] = [];
  for (const byte of bytes(text)) lines.push(...framer.push(Uint8Array.of(byte)));
  assert.deepEqual(lines, ['{"Msg":"Stern verloren – Wolken ☁"}']);
});

Deno.test("LineFramer: the tail of one chunk completes with the head of the next", () => {
  const framer = new LineFramer();
  assert.deepEqual(framer.push(bytes('{"x":1}\r\n{"y"')), ['{"x":1}']);
  assert.equal(framer.pendingBytes, 4);
  assert.deepEqual(framer.push(bytes(":2}\r")), []);
  assert.deepEqual(framer.push(bytes("\n")), ['{"y":2}']);
});

Deno.test("LineFramer: a line over the limit throws, whether finished or still arriving", () => {
  const small = new LineFramer(8);
  assert.deepEqual(small.push(bytes("12345678\n")), ["12345678"]);
  assert.throws(() => small.push(bytes("123456789\n")), LineTooLongError);
  assert.throws(() => small.push(bytes("12345")) && small.push(bytes("6789")), LineTooLongError);
  assert.equal(small.pendingBytes, 0, "the runaway line is dropped");
  const big = new LineFramer();
  assert.throws(() => big.push(new Uint8Array(MAX_LINE_BYTES + 1).fill(0x20)), /over the 1048576/);
});
