/**
 * What a user should know about a computed mosaic before imaging it: overlaps that the sphere's
 * curvature pushes more than 1 % of the field from the request, panels that never rise above the
 * altitude limit from the site, and position angles that spread across the panels (near a pole)
 * when the profile has no rotator to follow them.
 */
import type { MosaicDto } from "../schemas/mosaic.ts";
import type { PanelTiming } from "./order.ts";

/** Beyond this the overlap is not what was asked (the promise is 1 % of the field). */
const OVERLAP_TOLERANCE_PCT = 1;
/** A spread of position angles below this needs no rotator. */
const ANGLE_SPREAD_DEG = 1;

export function mosaicWarnings(
  m: MosaicDto,
  o: { hasRotator: boolean; timings: PanelTiming[] | null },
): string[] {
  const warnings: string[] = [];
  let worst: MosaicDto["overlaps"][number] | null = null;
  let worstOff = 0;
  for (const pair of m.overlaps) {
    const off = Math.max(
      Math.abs(pair.min_pct - m.overlap_pct),
      Math.abs(pair.max_pct - m.overlap_pct),
    );
    if (off > worstOff) [worst, worstOff] = [pair, off];
  }
  if (worst && worstOff > OVERLAP_TOLERANCE_PCT) {
    warnings.push(
      `panels ${worst.a} and ${worst.b} overlap by ${worst.min_pct.toFixed(1)}–` +
        `${worst.max_pct.toFixed(1)} % (asked ${m.overlap_pct} %): this mosaic is large enough ` +
        "for the sky's curvature to show; raise the overlap or use fewer panels",
    );
  }
  const never = o.timings?.filter((t) => !t.upNow && t.setsInHours === Infinity) ?? [];
  if (never.length > 0) {
    warnings.push(
      `${never.length} of ${m.panels.length} panels never rise above ` +
        `${m.order_basis.min_altitude_deg}° from this site`,
    );
  }
  const angles = m.panels.map((p) => p.rotation_deg);
  const spread = angularSpread(angles);
  if (!o.hasRotator && spread > ANGLE_SPREAD_DEG) {
    warnings.push(
      `the panels' position angles spread over ${spread.toFixed(1)}° (near the pole the sky ` +
        "turns between panels) and the profile has no rotator: turn the camera by hand per panel",
    );
  }
  return warnings;
}

/** The smallest arc holding all the angles, degrees. */
function angularSpread(anglesDeg: number[]): number {
  if (anglesDeg.length < 2) return 0;
  const sorted = anglesDeg.map((a) => ((a % 360) + 360) % 360).sort((a, b) => a - b);
  let largestGap = 360 - sorted[sorted.length - 1]! + sorted[0]!;
  for (let i = 1; i < sorted.length; i++) {
    largestGap = Math.max(largestGap, sorted[i]! - sorted[i - 1]!);
  }
  return 360 - largestGap;
}
