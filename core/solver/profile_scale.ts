/**
 * The pixel scale and field the active profile implies: 206.265 × pixel size (µm) / focal length
 * (mm) arcsec per unbinned pixel, the profile's pixel size winning over the camera's own figure,
 * and the field from the connected camera's sensor. Null when a figure is missing.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Profile } from "../profiles/schema.ts";

export interface ProfileScale {
  pixelScaleArcsec: number;
  fieldWidthArcmin: number | null;
  fieldHeightArcmin: number | null;
}

export function pixelScaleArcsec(pixelSizeUm: number, focalLengthMm: number): number {
  return 206.264806 * pixelSizeUm / focalLengthMm;
}

export function profileScale(hub: Rig, profile: Profile | null): ProfileScale | null {
  const focal = profile?.optics.focal_length_mm ?? hub.optics?.focalLengthMm;
  const caps = hub.peek("camera")?.capabilities;
  const pixelUm = profile?.optics.pixel_size_um ?? caps?.pixelSizeUm;
  if (!focal || !pixelUm) return null;
  const scale = pixelScaleArcsec(pixelUm, focal);
  return {
    pixelScaleArcsec: scale,
    fieldWidthArcmin: caps ? caps.widthPx * scale / 60 : null,
    fieldHeightArcmin: caps ? caps.heightPx * scale / 60 : null,
  };
}

/** The camera's whole field in degrees with the active optics; null when a figure is missing. */
export function fieldOfView(
  hub: Rig,
  profile: Profile | null,
): { widthDeg: number; heightDeg: number } | null {
  const s = profileScale(hub, profile);
  if (s?.fieldWidthArcmin == null || s.fieldHeightArcmin == null) return null;
  return { widthDeg: s.fieldWidthArcmin / 60, heightDeg: s.fieldHeightArcmin / 60 };
}
