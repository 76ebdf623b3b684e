import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { filterWheelContractSuite } from "../../tests/contracts/filterwheel_suite.ts";
import { contextFor, waitFor } from "../../tests/contracts/_wait.ts";
import { buildStubs, setMotorFault } from "../../tests/fakes/zwo/build.ts";
import { guard } from "../guard.ts";
import { ZwoFilterWheel } from "./zwo_filterwheel.ts";
import { ZwoFilterWheelOptions } from "./options.ts";

const wheelContext = contextFor(ZwoFilterWheelOptions);

const EFW_ERROR_ERROR_STATE = 6;

async function wheel(options: Record<string, unknown> = {}): Promise<ZwoFilterWheel> {
  const { efw } = await buildStubs();
  return new ZwoFilterWheel(
    wheelContext(systemClock, { library: efw, pollIntervalMs: 50, ...options }),
  );
}

filterWheelContractSuite("zwo EFW (stub)", {
  create: () => wheel(),
  dispose: (w) => w.disconnect(),
});

const LRGB_NB = ["L", "R", "G", "B", "Ha", "OIII", "SII"];

Deno.test("ZwoFilterWheel: slots come from the filters option; a move while turning is a 409", async () => {
  const w = await wheel({ filters: LRGB_NB });
  try {
    await w.connect();
    assert.equal(w.capabilities.slotCount, 7);
    assert.deepEqual(w.status().slots.map((s) => s.name), LRGB_NB);
    await waitFor(() => w.status().position !== null, 2500, "at rest");
    const target = ((w.status().position ?? 0) + 3) % 7;
    await w.moveTo(target);
    const err = await w.moveTo((target + 1) % 7).catch((e) => e);
    assert.ok(err instanceof AppError && err.status === 409, String(err));
    assert.match(err.message, /EFW_ERROR_MOVING/);
    await waitFor(() => w.status().position === target, 2500, `slot ${target}`);
  } finally {
    await w.disconnect();
  }
});

Deno.test("ZwoFilterWheel: a filters option that does not fit the wheel is refused", async () => {
  const w = await wheel({ filters: ["L", "R", "G"] });
  await assert.rejects(() => w.connect(), /option filters names 3 filters, but EFW has 7 slots/);
  assert.throws(
    () => new ZwoFilterWheel(wheelContext(systemClock, { filters: [""] })),
    /option filters\.0/,
  );
});

Deno.test("ZwoFilterWheel: an SDK error is a 502 with the code; it recovers when cleared", async () => {
  const { efw } = await buildStubs();
  const w = await wheel();
  const guarded = guard("filterwheel", w, () => {});
  try {
    await guarded.connect();
    await waitFor(() => w.status().position !== null, 2500, "at rest");
    const target = ((w.status().position ?? 0) + 1) % 7;
    setMotorFault(efw, "efw", EFW_ERROR_ERROR_STATE);
    const err = await guarded.moveTo(target).catch((e) => e);
    assert.ok(err instanceof AppError && err.status === 502, String(err));
    assert.match(err.message, /EFWSetPosition returned EFW_ERROR_ERROR_STATE \(6\)/);
    setMotorFault(efw, "efw", 0);
    await guarded.moveTo(target);
    await waitFor(() => w.status().position === target, 2500, `slot ${target}`);
  } finally {
    setMotorFault(efw, "efw", 0);
    await w.disconnect();
  }
});
