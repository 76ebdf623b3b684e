/**
 * The simulated light path: the blur is the hyperbola's value (floor = seeing, arms = slope ×
 * offset), best focus drifts with temperature by the coefficient, bad options are named, and a
 * camera built with a link and a `focus` option blurs its stars as the linked focuser moves.
 */
import { assert, assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { ManualClock } from "../../lib/clock.ts";
import { LogSink } from "../../lib/log.ts";
import { analyzeFrameTask } from "../../core/imaging/stars/analysis_task.ts";
import { SimCamera } from "./camera.ts";
import { SimFocuser } from "./focuser.ts";
import { parseOptions } from "../driver_catalogue.ts";
import { FocusModel, SimCameraOptions } from "./camera_options.ts";
import { SimFocuserOptions } from "./focuser_options.ts";
import { bestFocusSteps, defocusBlurPx, SimOpticsLink } from "./optics_link.ts";

const parseFocusModel = (raw: unknown) => parseOptions(FocusModel, raw, "sim camera focus");

Deno.test("optics link: hyperbolic blur and temperature drift", () => {
  const model = parseFocusModel({ bestPosition: 20_000, tempCoeffStepsPerC: -10, refTempC: 10 });
  assertEquals(bestFocusSteps(model, 10), 20_000);
  assertEquals(bestFocusSteps(model, 8), 20_020);
  assertEquals(bestFocusSteps(model, null), 20_000);
  assertAlmostEquals(defocusBlurPx(model, { position: 20_000, temperatureC: 10 }), 0.8, 1e-12);
  // 300 steps × 0.01 px/step = 3 px arm on a 0.8 px floor.
  assertAlmostEquals(
    defocusBlurPx(model, { position: 20_320, temperatureC: 8 }),
    Math.hypot(0.8, 3),
    1e-12,
  );
  assertEquals(parseFocusModel(undefined).bestPosition, 25000, "{} takes every default");
  assertThrows(() => parseFocusModel({ bestPostion: 1 }), RangeError, "bestPostion");
  assertThrows(() => parseFocusModel({ blurPxPerStep: 0 }), RangeError, "blurPxPerStep");
});

Deno.test("optics link: the camera's stars grow as the linked focuser leaves best focus", async () => {
  const clock = new ManualClock();
  const log = new LogSink({ consoleLevel: "silent" }).logger("sim");
  const ctx = {
    clock,
    log,
    site: { latitudeDeg: 0, longitudeDeg: 0, elevationM: 0 },
    optics: { focalLengthMm: 530, apertureMm: 106 },
  };
  const link = new SimOpticsLink();
  const camera = new SimCamera({
    ...ctx,
    options: SimCameraOptions.parse({
      widthPx: 640,
      heightPx: 480,
      readoutMs: 0,
      focus: { bestPosition: 25_000 },
    }),
  }, link);
  const focuser = new SimFocuser({
    ...ctx,
    options: SimFocuserOptions.parse({ startPosition: 25_000 }),
  }, link);
  await camera.connect();
  await focuser.connect();
  const hfr = async () => {
    const shot = camera.expose({
      durationS: 2,
      gain: 100,
      offset: 10,
      binning: 1,
      frameType: "light",
    });
    // The ManualClock must move for the exposure to end.
    let done = false;
    shot.finally(() => done = true).catch(() => {});
    while (!done) await clock.advance(10);
    const frame = await shot;
    const a = analyzeFrameTask({ frame, options: { maxStars: 0 } });
    return a.medianHfrPx!;
  };
  try {
    assertAlmostEquals(camera.trueBestFocusSteps()!, 25_000, 10);
    const sharp = await hfr();
    await focuser.moveTo(25_500);
    await clock.advance(2000);
    const soft = await hfr();
    assert(soft > 2 * sharp, `sharp ${sharp}, soft ${soft}`);
  } finally {
    await camera.disconnect();
    await focuser.disconnect();
  }
});
