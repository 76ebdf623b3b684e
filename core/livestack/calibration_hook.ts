/**
 * Live stacking's calibration: the masters the library matches to each light (same camera, gain,
 * offset, binning, temperature within tolerance, dark by exposure, flat by filter), applied
 * before analysis. A night's lights share their masters, so the loaded pixels are kept until
 * the match changes instead of being read again for every frame.
 */
import { calibrate } from "../calibration/calibrate.ts";
import type { CalibrationMasters } from "../calibration/calibrate.ts";
import type { CalibrationService } from "../calibration/calibration_service.ts";
import type { Logger } from "../../lib/log.ts";
import type { CalibrateHook } from "./stack_frame.ts";

/** Temperature tolerance used when matching masters to live-stacked lights, °C. */
export const LIVESTACK_TOLERANCE_C = 2;

export function libraryCalibration(library: CalibrationService, log: Logger): CalibrateHook {
  let cached: { key: string; masters: CalibrationMasters } | null = null;
  return async (image, meta) => {
    const match = await library.match({ frame_id: meta.id, tolerance_c: LIVESTACK_TOLERANCE_C });
    const ids = [match.bias.master?.id, match.dark.master?.id, match.flat.master?.id];
    if (ids.every((id) => id === undefined)) return image;
    const key = `${ids.join("|")}|${match.dark.scale}`;
    if (cached?.key !== key) {
      cached = { key, masters: await library.load(match) };
      log.info("live stack calibrates with library masters", { masters: ids.filter(Boolean) });
    }
    return calibrate(image, cached.masters);
  };
}
