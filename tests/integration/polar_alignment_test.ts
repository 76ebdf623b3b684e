/**
 * Polar alignment on the simulators. The mount carries a configured polar-axis error (plus
 * index, collimation and non-perpendicularity errors, which a polar alignment must not confuse
 * with the axis); a fake `solve` answers the simulator's true pointing (`trueSkyPosition()`, what
 * a perfect plate solve would find), so the routine drives the real mount and camera, saves real
 * frames and must recover the configured error within 1 arcmin; turning the simulated knobs
 * mid-run must show up in the next `polar_alignment.error_computed`. The HTTP group is checked
 * for validation, start, status and stop.
 */
import type { EventPayload } from "../../core/events.ts";
import { PolarAlignmentService } from "../../core/polar/polar_service.ts";
import type { SimMount } from "../../devices/sim/mount.ts";
import { assert, assertEquals } from "../_assert.ts";
import { type TestServer, withServer } from "./_server.ts";

type ErrorEvent = EventPayload<"polar_alignment.error_computed">;

async function useSimulators(t: TestServer, mountErrors: Record<string, number>): Promise<void> {
  const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
    "GET",
    "/profiles/active",
  );
  const devices = {
    ...active.devices,
    mount: { driver: "sim", options: { slewRateDegPerS: 60, ...mountErrors } },
    camera: { driver: "sim", options: { widthPx: 320, heightPx: 240, readoutMs: 20 } },
  };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
  // Anywhere away from the pole: an hour east of the meridian, Dec +30°.
  const status = await t.json<{ lst: number }>("GET", "/mount/status");
  const ra = (status.lst + 1) % 24;
  await t.json("POST", "/mount/goto", { ra, dec: 30 });
  await waitFor("the first goto", () => !t.server.services.hub.device("mount").status().slewing);
}

function polarService(t: TestServer): PolarAlignmentService {
  const s = t.server.services;
  const mount = s.hub.device("mount") as unknown as SimMount;
  return new PolarAlignmentService({
    hub: s.hub,
    bus: s.bus,
    clock: s.clock,
    log: s.log.child("polar"),
    sink: s.frameSink,
    solve: async (path) => {
      await Deno.stat(path); // the frame really was written
      const truth = await mount.trueSkyPosition();
      return { ...truth, positionAngleDeg: 0, pixelScaleArcsec: 2 };
    },
    cameraDefaults: { gain: 100, offset: 10 },
  });
}

function collect(t: TestServer): { events: ErrorEvent[]; stop: () => void } {
  const events: ErrorEvent[] = [];
  const stop = t.server.services.bus.subscribe((event) => {
    if (event.type === "polar_alignment.error_computed") events.push(event.data as ErrorEvent);
  });
  return { events, stop: () => void stop() };
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const CASES: { polarAltErrorArcmin: number; polarAzErrorArcmin: number; [k: string]: number }[] = [
  {
    polarAltErrorArcmin: 15,
    polarAzErrorArcmin: -25,
    ihArcsec: 200,
    idArcsec: 120,
    chArcsec: 90,
    npArcsec: 40,
  },
  { polarAltErrorArcmin: -40, polarAzErrorArcmin: 8 },
];
for (const errors of CASES) {
  Deno.test(`polar alignment recovers the sim's axis error ${JSON.stringify(errors)}`, async () => {
    await withServer(async (t) => {
      await useSimulators(t, errors);
      const mount = t.server.services.hub.device("mount") as unknown as SimMount;
      const service = polarService(t);
      const recorder = collect(t);
      try {
        service.start({ rotation_deg: 30, exposure_s: 0.05 });
        await waitFor("the first error", () => recorder.events.length >= 1);
        const status = service.status();
        assertEquals(status.points.length, 3);
        const first = recorder.events[0]!;
        const altMiss = Math.abs(first.alt_error_arcmin - errors.polarAltErrorArcmin);
        const azMiss = Math.abs(first.az_error_arcmin - errors.polarAzErrorArcmin);
        console.log(
          `configured alt ${errors.polarAltErrorArcmin}′ az ${errors.polarAzErrorArcmin}′; ` +
            `measured alt ${first.alt_error_arcmin.toFixed(3)}′ az ${
              first.az_error_arcmin.toFixed(3)
            }′ (${first.alt_direction}, ${first.az_direction})`,
        );
        assert(altMiss < 1 && azMiss < 1, `missed by ${altMiss}′, ${azMiss}′`);
        assertEquals(first.alt_direction, errors.polarAltErrorArcmin > 0 ? "down" : "up");
        assertEquals(first.az_direction, errors.polarAzErrorArcmin > 0 ? "left" : "right");

        // The user turns the knobs: the remaining error follows.
        const seen = recorder.events.length;
        mount.setErrors({ polarAltErrorArcmin: 3, polarAzErrorArcmin: -2 });
        await waitFor("errors after the knobs turned", () => recorder.events.length >= seen + 2);
        const latest = recorder.events.at(-1)!;
        console.log(
          `after the knobs: alt ${latest.alt_error_arcmin.toFixed(3)}′ az ${
            latest.az_error_arcmin.toFixed(3)
          }′`,
        );
        assert(Math.abs(latest.alt_error_arcmin - 3) < 1, `alt ${latest.alt_error_arcmin}`);
        assert(Math.abs(latest.az_error_arcmin + 2) < 1, `az ${latest.az_error_arcmin}`);
        assertEquals(service.status().phase, "adjusting");
        assert(service.status().updates >= 2);
      } finally {
        recorder.stop();
        assertEquals(await service.stop(), true, JSON.stringify(service.status()));
      }
      assertEquals(service.status().phase, "stopped");
    });
  });
}

Deno.test("polar alignment endpoints: validation, start, status, stop", async () => {
  await withServer(async (t) => {
    const bad = await t.api("POST", "/polar-alignment/start", { rotation_deg: 1 });
    assertEquals(bad.status, 400);
    assert(/rotation_deg/.test((await bad.json()).error.message));
    const idle = await t.json<{ phase: string }>("GET", "/polar-alignment/status");
    assertEquals(idle.phase, "idle");
    const atPole = await t.api("POST", "/polar-alignment/start", {});
    assertEquals(atPole.status, 409, "the mount starts at the pole");
    assert(/from the pole/.test((await atPole.json()).error.message));
    await useSimulators(t, {});
    const flip = await t.api("POST", "/polar-alignment/start", { direction: "west" });
    assertEquals(flip.status, 409);
    assert(/meridian/.test((await flip.json()).error.message));
    const started = await t.api("POST", "/polar-alignment/start", { exposure_s: 5 });
    assertEquals(started.status, 202, await started.text());
    const again = await t.api("POST", "/polar-alignment/start", {});
    assertEquals(again.status, 409, await again.text());
    const running = await t.json<{ phase: string; rotation_deg: number; direction: string }>(
      "GET",
      "/polar-alignment/status",
    );
    // The mount is an hour east of the meridian: the default turn is east, away from it.
    assertEquals([running.phase, running.rotation_deg, running.direction], [
      "measuring",
      30,
      "east",
    ]);
    assertEquals(await t.json("POST", "/polar-alignment/stop"), { ok: true, stopped: true });
    assertEquals(
      (await t.json<{ phase: string }>("GET", "/polar-alignment/status")).phase,
      "stopped",
    );
    assertEquals(await t.json("POST", "/polar-alignment/stop"), { ok: true, stopped: false });
  });
});
