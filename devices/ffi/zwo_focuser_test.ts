import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { AppError, DeviceNotConnectedError } from "../../lib/errors.ts";
import { focuserContractSuite } from "../../tests/contracts/focuser_suite.ts";
import { contextFor, waitFor } from "../../tests/contracts/_wait.ts";
import { buildStubs, setMotorFault } from "../../tests/fakes/zwo/build.ts";
import { guard } from "../guard.ts";
import { ZwoFocuser } from "./zwo_focuser.ts";
import { ZwoFocuserOptions } from "./options.ts";

const focuserContext = contextFor(ZwoFocuserOptions);

const EAF_ERROR_GENERAL_ERROR = 7;
const EAF_ERROR_REMOVED = 4;

async function focuser(options: Record<string, unknown> = {}): Promise<ZwoFocuser> {
  const { eaf } = await buildStubs();
  return new ZwoFocuser(
    focuserContext(systemClock, { library: eaf, pollIntervalMs: 50, ...options }),
  );
}

focuserContractSuite("zwo EAF (stub)", {
  create: () => focuser(),
  dispose: (f) => f.disconnect(),
});

Deno.test("ZwoFocuser: reads the EAF's range, name and temperature", async () => {
  const f = await focuser({ id: 2 });
  try {
    await f.connect();
    assert.equal(f.info.name, "EAF");
    assert.equal(f.capabilities.maxPosition, 30000);
    const tempC = f.status().temperatureC;
    assert.ok(tempC !== null && tempC > 13 && tempC <= 14.5, `temperature ${tempC}`);
  } finally {
    await f.disconnect();
  }
});

Deno.test("ZwoFocuser: a new target while moving retargets from where it is", async () => {
  const f = await focuser();
  try {
    await f.connect();
    const start = f.status().position;
    const far = start > 15000 ? start - 8000 : start + 8000;
    await f.moveTo(far);
    await waitFor(() => f.status().moving, 1000, "moving");
    await f.moveTo(start);
    await waitFor(() => f.status().position === start && !f.status().moving, 3000, "back");
  } finally {
    await f.disconnect();
  }
});

Deno.test("ZwoFocuser: an SDK error is a 502 with the code; it recovers when cleared", async () => {
  const { eaf } = await buildStubs();
  const f = await focuser();
  const guarded = guard("focuser", f, () => {});
  try {
    await guarded.connect();
    const target = f.status().position > 1000 ? f.status().position - 500 : 1000;
    setMotorFault(eaf, "eaf", EAF_ERROR_GENERAL_ERROR);
    const err = await guarded.moveTo(target).catch((e) => e);
    assert.ok(err instanceof AppError && err.status === 502, String(err));
    assert.match(err.message, /EAFIsMoving returned EAF_ERROR_GENERAL_ERROR \(7\)/);
    assert.equal(f.status().connected, true);
    setMotorFault(eaf, "eaf", 0);
    await guarded.moveTo(target);
    await waitFor(() => f.status().position === target && !f.status().moving, 2500, "target");
  } finally {
    setMotorFault(eaf, "eaf", 0);
    await f.disconnect();
  }
});

Deno.test("ZwoFocuser: an unplugged EAF fires onLost; the next connect works", async () => {
  const { eaf } = await buildStubs();
  const f = await focuser({ statusIntervalMs: 50 });
  const lost: string[] = [];
  f.onLost((reason) => lost.push(reason));
  try {
    await f.connect();
    setMotorFault(eaf, "eaf", EAF_ERROR_REMOVED);
    await waitFor(() => lost.length > 0, 2000, "onLost");
    assert.match(lost[0]!, /EAF_ERROR_REMOVED/);
    assert.equal(f.status().connected, false);
    await assert.rejects(() => f.halt(), DeviceNotConnectedError);
    setMotorFault(eaf, "eaf", 0);
    await f.connect();
    assert.equal(f.status().connected, true);
  } finally {
    setMotorFault(eaf, "eaf", 0);
    await f.disconnect();
  }
});

Deno.test("ZwoFocuser: a missing library and a bad pick are clear errors", async () => {
  const missing = new ZwoFocuser(focuserContext(systemClock, { library: "/nope/libEAF.so" }));
  await assert.rejects(() => missing.connect(), /EAF focuser SDK could not be loaded/);
  const wrong = await focuser({ name: "Moonlite" });
  await assert.rejects(() => wrong.connect(), /no EAF focuser with name "Moonlite"; found #0 id 2/);
  assert.throws(
    () => new ZwoFocuser(focuserContext(systemClock, { statusIntervalMs: "1s" })),
    /option statusIntervalMs/,
  );
});
