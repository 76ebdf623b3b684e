/**
 * After a meridian flip the sequence re-centres whenever centring is possible — here with
 * `center_on_target` off — because the flip turns the optics over and the cone error (CH) now
 * points the other way. On a ManualClock with the simulated German mount carrying IH, ID and CH,
 * a real CenteringService (solve = the simulator's true pointing) runs exactly once, after the
 * flip and before the frames that follow it, and ends within tolerance in two attempts: the sync
 * on the first solve corrects the mount's report without moving its optics, so the second goto
 * lands.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { lstHours } from "../../lib/astro/time.ts";
import type { SequenceInput } from "../schemas/sequence.ts";
import { testRig } from "../sequencer/_test_rig.ts";
import type { SequencerHooks } from "../sequencer/context.ts";
import { LogSink } from "../../lib/log.ts";
import { CenteringService } from "./centering_service.ts";
import type { SimMount } from "../../devices/sim/mount.ts";

Deno.test("after a meridian flip the sequence re-centres through the centring service", async () => {
  const hooks: SequencerHooks = {};
  const rig = await testRig(hooks, {
    mount: {
      driver: "sim",
      options: {
        slewRateDegPerS: 5,
        flipLimitDeg: 0,
        ihArcsec: 300,
        idArcsec: -200,
        chArcsec: 240,
      },
    },
  });
  try {
    const mount = rig.hub.device("mount");
    const centering = new CenteringService({
      hub: rig.hub,
      bus: rig.bus,
      clock: rig.clock,
      log: new LogSink({ consoleLevel: "silent" }).logger("centering"),
      sink: rig.sink,
      pointing: { demandFor: (target) => Promise.resolve(target) },
      solve: async (path) => {
        await Deno.stat(path);
        const truth = await (mount as unknown as SimMount).trueSkyPosition();
        return { ...truth, positionAngleDeg: 0, pixelScaleArcsec: 2 };
      },
      cameraDefaults: { gain: 100, offset: 10 },
    });
    // The box wires this hook in cli/server.ts; the rig's hooks object is the sequencer's own.
    hooks.centerOnTarget = (target, signal) =>
      centering.runAndWait(target, { exposure_s: 1, settle_s: 1 }, signal);
    await mount.unpark();
    // Three minutes of hour angle east of the meridian: the flip falls due during the plan.
    const raHours = (lstHours(rig.clock.now(), -0.0005) + 0.05) % 24;
    const input: SequenceInput = {
      name: "across the meridian",
      targets: [{
        name: "near meridian",
        ra: raHours,
        dec: 30,
        groups: [{ filter: "L", exposure_s: 60, count: 6 }],
      }],
      options: {
        slew: true,
        center_on_target: false,
        // Two minutes past the meridian: aiming off by ~10′ must not cross it back (a German
        // mount would flip again, and the pier-dependent errors with it).
        meridian_flip: { enabled: true, minutes_after: 2, settle_s: 0, recenter: true },
      },
    };
    const dto = await rig.service.sequences.create(await rig.service.validate(input));
    assertEquals(await rig.drive(rig.service.run(dto), 3 * 3_600_000), "completed");
    const order = rig.events.map((e) =>
      e.type === "alert" && /Meridian flip done/.test(e.data.message) ? "flip" : e.type
    );
    const centred = rig.of("mount.centered");
    assertEquals(centred.length, 1, "centred once: after the flip, not at the start");
    const end = centred[0]!;
    assertEquals(end.success, true, JSON.stringify(end));
    assert(end.final_error_arcsec! <= 30, `${end.final_error_arcsec}″`);
    const attempts = rig.of("mount.centering").map((a) => a.error_arcsec?.toFixed(1));
    console.log(`re-centring after the flip: ${attempts.join("″ → ")}″`);
    assertEquals(
      rig.of("mount.centering").map((a) => a.correction),
      ["sync", null],
      attempts.join("″ → "),
    );
    const flipAt = order.indexOf("flip");
    const centredAt = order.indexOf("mount.centered");
    assert(flipAt >= 0 && flipAt < centredAt, order.join(", "));
    const framesAfter = order.slice(centredAt).filter((t) => t === "sequencer.frame_saved");
    assert(framesAfter.length >= 1, "frames follow the re-centring");
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.frame_index), [0, 1, 2, 3, 4, 5]);
  } finally {
    await rig.close();
  }
});
