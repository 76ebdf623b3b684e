import assert from "node:assert/strict";
import { AppError, DeviceNotConnectedError } from "../../lib/errors.ts";
import { isLostCode, sdkCodeName, sdkError } from "./errors.ts";

Deno.test("sdk errors: codes are named as in the SDK headers", () => {
  assert.equal(sdkCodeName("ASI", 2), "ASI_ERROR_INVALID_ID");
  assert.equal(sdkCodeName("ASI", 11), "ASI_ERROR_TIMEOUT");
  assert.equal(sdkCodeName("ASI", 15), "ASI_ERROR_EXPOSURE_IN_PROGRESS");
  assert.equal(sdkCodeName("ASI", 16), "ASI_ERROR_GENERAL_ERROR");
  assert.equal(sdkCodeName("EAF", 5), "EAF_ERROR_MOVING");
  assert.equal(sdkCodeName("EFW", 9), "EFW_ERROR_CLOSED");
  assert.equal(sdkCodeName("EFW", 42), "EFW_ERROR_UNKNOWN");
});

Deno.test("sdk errors: each code maps to the status its meaning calls for", () => {
  const cases: [Parameters<typeof sdkError>[0], number, number][] = [
    ["ASI", 2, 503], // invalid id: the camera is not (or no longer) open
    ["ASI", 4, 503], // camera closed
    ["ASI", 5, 503], // camera removed
    ["ASI", 11, 504], // timeout
    ["ASI", 15, 409], // exposure in progress
    ["ASI", 8, 400], // invalid size
    ["ASI", 16, 502], // general error
    ["EAF", 3, 400], // invalid value
    ["EAF", 4, 503], // removed
    ["EAF", 5, 409], // moving
    ["EFW", 6, 502], // error state
    ["EFW", 9, 503], // closed
  ];
  for (const [sdk, code, status] of cases) {
    const err = sdkError(sdk, "camera", "Call", code);
    assert.ok(err instanceof AppError, `${sdk} ${code}`);
    assert.equal(err.status, status, `${sdkCodeName(sdk, code)} → ${status}`);
    assert.match(err.message, new RegExp(`Call returned ${sdkCodeName(sdk, code)} \\(${code}\\)`));
    assert.equal(err instanceof DeviceNotConnectedError, status === 503);
    assert.equal(isLostCode(sdk, code), status === 503);
  }
});
