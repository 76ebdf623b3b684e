/**
 * Which target a light frame shows when its producer named none: the one the box last centred
 * on, while the mount still points at it — within half the field's diagonal (from the optics and
 * the sensor), or a degree when the field is not known. A slew elsewhere ends it by itself.
 */
import type { Rig } from "../../devices/rig.ts";
import { angularSeparationDeg } from "../../lib/astro/coords.ts";

/** A named target the mount was centred on (J2000). */
export interface AimedTarget {
  name: string;
  raHours: number;
  decDeg: number;
}

const DEFAULT_RADIUS_DEG = 1;
const RAD = Math.PI / 180;

/** The target's name when the mount points within the field of it, else null. */
export function objectAtPointing(target: AimedTarget, hub: Rig): string | null {
  const mount = hub.peek("mount");
  const status = mount?.status();
  if (!status?.connected) return null;
  const separation = angularSeparationDeg(status, target);
  return separation <= fieldRadiusDeg(hub) ? target.name : null;
}

function fieldRadiusDeg(hub: Rig): number {
  const caps = hub.peek("camera")?.capabilities;
  const focalLengthMm = hub.optics?.focalLengthMm;
  if (!caps || !focalLengthMm || !(caps.pixelSizeUm > 0)) return DEFAULT_RADIUS_DEG;
  const diagonalMm = Math.hypot(caps.widthPx, caps.heightPx) * caps.pixelSizeUm / 1000;
  return Math.atan(diagonalMm / 2 / focalLengthMm) / RAD;
}
