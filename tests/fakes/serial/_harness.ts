/**
 * Glue for running a contract suite over a real tty: each case gets its own socat pair with a
 * fresh device simulator on the far end, and the driver under test is built on the near end.
 * `dispose` disconnects the driver, detaches the simulator and stops socat, in that order, so no
 * fd, process or poll outlives the case.
 */
import type { z } from "zod";
import { systemClock } from "../../../lib/clock.ts";
import type { DriverContext } from "../../../devices/device.ts";
import { parseOptions } from "../../../devices/driver_catalogue.ts";
import { harnessContext } from "../../contracts/_wait.ts";
import type { FakeSerialDevice } from "./_device.ts";
import { SocatPair } from "./socat_pair.ts";

export interface Rig<D, F extends FakeSerialDevice> {
  pair: SocatPair;
  fake: F;
  driver: D;
}

/**
 * Builds a socat pair, attaches `makeFake()` to its device end, and the driver to its near end with
 * `options` parsed by its `schema` (the path and a quick poll added).
 */
export async function serialRig<D, F extends FakeSerialDevice, O>(
  makeFake: () => F,
  schema: z.ZodType<O>,
  makeDriver: (ctx: DriverContext<O>) => D,
  options: Record<string, unknown> = {},
): Promise<Rig<D, F>> {
  const pair = await SocatPair.create();
  const fake = makeFake();
  await fake.attach(pair.devicePath);
  const raw = { path: pair.driverPath, pollMs: 50, ...options };
  const ctx = harnessContext(systemClock, parseOptions(schema, raw, "serial driver"));
  return { pair, fake, driver: makeDriver(ctx) };
}

export async function disposeRig<F extends FakeSerialDevice>(
  rig: { pair: SocatPair; fake: F; driver: { disconnect(): Promise<void> } },
): Promise<void> {
  await rig.driver.disconnect().catch(() => {});
  await rig.fake.detach();
  await rig.pair.dispose();
}

/** Remembers which rig each driver object belongs to, so a harness's dispose can find it. */
export class RigTable<D extends object, F extends FakeSerialDevice> {
  #rigs = new WeakMap<D, Rig<D, F>>();

  async create<O>(
    makeFake: () => F,
    schema: z.ZodType<O>,
    makeDriver: (ctx: DriverContext<O>) => D,
    options = {},
  ): Promise<D> {
    const rig = await serialRig(makeFake, schema, makeDriver, options);
    this.#rigs.set(rig.driver, rig);
    return rig.driver;
  }

  /** The simulator at the far end of a driver's pty. */
  fake(driver: D): F {
    const rig = this.#rigs.get(driver);
    if (!rig) throw new Error("this driver was not made by this rig table");
    return rig.fake;
  }

  async dispose(driver: D): Promise<void> {
    const rig = this.#rigs.get(driver);
    if (rig) await disposeRig(rig as Rig<D, F> & { driver: { disconnect(): Promise<void> } });
  }
}
