/**
 * The field one mosaic panel covers with the active profile: the camera's sensor (pixels from
 * its capabilities) times the pixel scale, 206.265″ × pixel size (µm) / focal length (mm) — the
 * profile's pixel size winning over the camera's own figure, as the solver's scale does — turned
 * to degrees through the gnomonic projection (2·atan of half the sensor over the focal length).
 */
import type { Rig } from "../../devices/rig.ts";
import type { Profile } from "../profiles/schema.ts";
import { pixelScaleArcsec } from "../solver/profile_scale.ts";

export interface ProfileField {
  width_deg: number;
  height_deg: number;
  pixel_scale_arcsec: number;
  width_px: number;
  height_px: number;
  focal_length_mm: number;
  pixel_size_um: number;
}

export function profileField(hub: Rig, profile: Profile | null): ProfileField | { reason: string } {
  const focal = profile?.optics.focal_length_mm ?? hub.optics?.focalLengthMm;
  if (!focal) return { reason: "no profile is active to give the focal length" };
  const camera = hub.peek("camera");
  if (!camera) return { reason: "the active profile has no camera" };
  const caps = camera.capabilities;
  const pixelUm = profile?.optics.pixel_size_um ?? caps.pixelSizeUm;
  if (!(pixelUm > 0) || !(caps.widthPx > 0) || !(caps.heightPx > 0)) {
    return { reason: "the camera does not report its sensor size and pixel size" };
  }
  const side = (px: number) => 2 * Math.atan(px * pixelUm / 1000 / 2 / focal) * 180 / Math.PI;
  return {
    width_deg: side(caps.widthPx),
    height_deg: side(caps.heightPx),
    pixel_scale_arcsec: pixelScaleArcsec(pixelUm, focal),
    width_px: caps.widthPx,
    height_px: caps.heightPx,
    focal_length_mm: focal,
    pixel_size_um: pixelUm,
  };
}
