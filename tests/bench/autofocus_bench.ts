/**
 * Autofocus cost: a full V-curve run (9 points, 2 s exposures binned 2×2, default settings) on
 * the simulators with the default 3008×2008 sensor, from three starting offsets. The simulated
 * clock gives what the run costs at the telescope (exposures, readouts, focuser travel); wall
 * time is what this machine spends rendering and analysing; the error is the distance of the
 * final position from the simulator's true best focus.
 */
import { afRig } from "../../core/autofocus/_test_rig.ts";
import { runAutofocus } from "../../core/autofocus/routine.ts";
import { DEFAULT_AUTOFOCUS_SETTINGS } from "../../core/autofocus/settings.ts";
import { report } from "./_util.ts";

const OFFSETS_STEPS = [-250, 60, 310];

export async function autofocusBench(): Promise<void> {
  for (const offsetSteps of OFFSETS_STEPS) {
    const rig = await afRig({ bestPosition: 25_000 + offsetSteps }, {}, {});
    try {
      const clockStartMs = rig.clock.now();
      const wallStartMs = performance.now();
      const outcome = await rig.drive(
        runAutofocus(
          { hub: rig.hub, clock: rig.clock, runner: null },
          DEFAULT_AUTOFOCUS_SETTINGS,
          new AbortController().signal,
        ),
      );
      const wallMs = performance.now() - wallStartMs;
      const truth = await rig.trueBest();
      report(`autofocus offset ${offsetSteps} steps`, {
        ok: String(outcome.ok),
        exposures: outcome.exposures,
        telescope_s: (rig.clock.now() - clockStartMs) / 1000,
        wall_s: wallMs / 1000,
        error_steps: Math.abs(outcome.finalPositionSteps - truth),
        r_squared: outcome.fit?.rSquared ?? NaN,
        hfr_start_px: outcome.startHfrPx ?? NaN,
        hfr_final_px: outcome.finalHfrPx ?? NaN,
      });
    } finally {
      await rig.close();
    }
  }
}

if (import.meta.main) await autofocusBench();
