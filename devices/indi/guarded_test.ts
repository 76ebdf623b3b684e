/**
 * Every INDI driver computes its `capabilities` (and status) from its property cache through
 * `this`, so it must work behind the hub's guard exactly as it does bare. Issue 14 A.1: the guard
 * used to run getters with its proxy as `this`, whose methods are guarded async wrappers, so the
 * INDI mount's capabilities read `.members.has` of a Promise and every REST goto answered 500.
 * No indiserver is needed: a driver that never connected has an empty cache, which is enough.
 */
import { ManualClock } from "../../lib/clock.ts";
import { assertEquals } from "../../tests/_assert.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import type { DeviceKind, DriverContext } from "../device.ts";
import { guard } from "../guard.ts";
import { IndiCamera } from "./camera.ts";
import { IndiDome } from "./dome.ts";
import { IndiFilterWheel } from "./filterwheel.ts";
import { IndiFlatPanel } from "./flatpanel.ts";
import { IndiFocuser } from "./focuser.ts";
import { IndiMount } from "./mount.ts";
import { IndiOptions } from "./options.ts";
import { IndiRotator } from "./rotator.ts";
import { IndiWeather } from "./weather.ts";

const DRIVERS: [
  DeviceKind,
  (ctx: DriverContext<IndiOptions>) => { capabilities: unknown; status(): unknown },
][] = [
  ["mount", (ctx) => new IndiMount(ctx)],
  ["camera", (ctx) => new IndiCamera(ctx)],
  ["focuser", (ctx) => new IndiFocuser(ctx)],
  ["filterwheel", (ctx) => new IndiFilterWheel(ctx)],
  ["rotator", (ctx) => new IndiRotator(ctx)],
  ["flatpanel", (ctx) => new IndiFlatPanel(ctx)],
  ["dome", (ctx) => new IndiDome(ctx)],
  ["weather", (ctx) => new IndiWeather(ctx)],
];

for (const [kind, make] of DRIVERS) {
  Deno.test(`guard: the INDI ${kind} driver's capabilities and status survive the guard`, () => {
    // A still clock: status() computes sidereal time and Alt/Az from it.
    const ctx = contextFor(IndiOptions)(new ManualClock(Date.UTC(2026, 0, 1)), {
      port: 1,
      device: "None",
    });
    const driver = make(ctx);
    const guarded = guard(kind, driver, () => {});
    assertEquals(guarded.capabilities, driver.capabilities);
    assertEquals(guarded.status(), driver.status());
  });
}
