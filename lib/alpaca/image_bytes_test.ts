import assert from "node:assert/strict";
import { AlpacaError, ASCOM, fromAlpacaError, toAlpacaError } from "./errors.ts";
import {
  decodeImageBytes,
  ELEMENT,
  encodeImageBytes,
  encodeImageBytesError,
  imageBytesErrorMessage,
  readImageBytesHeader,
} from "./image_bytes.ts";
import { AppError, conflict, DeviceNotConnectedError } from "../errors.ts";

Deno.test("ImageBytes: a 3×2 frame round-trips, x outer on the wire", () => {
  // Row-major: row 0 = 1 2 3, row 1 = 4 5 6 → on the wire (x outer): 1 4 2 5 3 6.
  const pixels = Uint16Array.from([1, 2, 3, 4, 5, 65535]);
  const bytes = encodeImageBytes(pixels, 3, 2, { clientTransactionId: 9, serverTransactionId: 10 });
  assert.equal(bytes.length, 44 + 12);
  const wire = new DataView(bytes.buffer, 44);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => wire.getUint16(i * 2, true)), [
    1,
    4,
    2,
    5,
    3,
    65535,
  ]);
  const decoded = decodeImageBytes(bytes);
  assert.deepEqual(decoded.pixels, pixels);
  assert.deepEqual([decoded.widthPx, decoded.heightPx], [3, 2]);
  assert.equal(decoded.header.clientTransactionId, 9);
  assert.equal(decoded.header.transmissionElementType, ELEMENT.uint16);
});

Deno.test("ImageBytes: a foreign Int32 body with out-of-range values is clamped", () => {
  const out = new Uint8Array(44 + 2 * 4);
  const view = new DataView(out.buffer);
  [1, 0, 0, 1, 44, ELEMENT.int32, ELEMENT.int32, 2, 2, 1, 0].forEach((v, i) =>
    view.setInt32(i * 4, v, true)
  );
  view.setInt32(44, -5, true);
  view.setInt32(48, 70000, true);
  assert.deepEqual([...decodeImageBytes(out).pixels], [0, 65535]);
  view.setInt32(0, 2, true);
  assert.throws(() => decodeImageBytes(out), /metadata version 2/);
  assert.throws(() => readImageBytesHeader(out.subarray(0, 20)), /shorter/);
});

Deno.test("ImageBytes: an error answer carries the number and the message", () => {
  const bytes = encodeImageBytesError(0x407, "not connected", {
    clientTransactionId: 1,
    serverTransactionId: 2,
  });
  const header = readImageBytesHeader(bytes);
  assert.equal(header.errorNumber, 0x407);
  assert.equal(imageBytesErrorMessage(bytes, header), "not connected");
});

Deno.test("ASCOM errors: our statuses survive the round trip through ErrorNumber", () => {
  const cases: [unknown, number, (e: Error) => boolean][] = [
    [new RangeError("gain out of range"), ASCOM.invalidValue, (e) => e instanceof RangeError],
    [conflict("busy"), ASCOM.invalidOperation, (e) => (e as AppError).status === 409],
    [
      new DeviceNotConnectedError("mount"),
      ASCOM.notConnected,
      (e) => (e as AppError).status === 503,
    ],
    [
      new AppError(504, "device_timeout", "slow"),
      ASCOM.deviceTimeout,
      (e) => (e as AppError).status === 504,
    ],
    [new Error("motor stalled"), ASCOM.deviceFault, (e) => !(e instanceof AppError)],
  ];
  for (const [err, number, check] of cases) {
    const wire = toAlpacaError(err);
    assert.equal(wire.errorNumber, number, String(err));
    assert.ok(check(fromAlpacaError(wire.errorNumber, wire.message, "mount.slewTo")), String(err));
  }
  assert.equal(toAlpacaError(conflict("parked"), true).errorNumber, ASCOM.invalidWhileParked);
  assert.equal(toAlpacaError(new AlpacaError(0x40c, "x")).errorNumber, 0x40c);
});
