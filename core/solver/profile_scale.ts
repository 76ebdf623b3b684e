/**
 * The pixel scale and field the active profile implies: 206.265 × pixel size (µm) / focal length
 * (mm) arcsec per unbinned pixel, the profile's pixel size winning over the camera's own figure,
 * and the field width from the connected camera's sensor. Null when a figure is missing.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Profile } from "../profiles/schema.ts";

export interface ProfileScale {
  pixelScaleArcsec: number;
  fieldWidthArcmin: number | null;
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
  };
}
