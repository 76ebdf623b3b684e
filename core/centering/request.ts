/**
 * Turning a centring request into a run the rig can do, before anything moves: the target named
 * by coordinates or resolved through the catalog, the exposure settings checked against this
 * camera (a 400 naming the request's own field), and refusals for what the run could not get past
 * (a parked mount, a busy camera, a target below the horizon).
 */
import type { Camera } from "../../devices/camera.ts";
import type { Mount } from "../../devices/mount.ts";
import { equatorialToHorizontal } from "../../lib/astro/coords.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import { resolveRequest } from "../camera/exposure_service.ts";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { CenterBody, CenterOptions } from "../schemas/centering.ts";

export interface NamedTarget {
  name: string | null;
  /** J2000 hours. */
  ra: number;
  /** J2000 degrees. */
  dec: number;
}

export type ResolveTarget = (
  name: string,
) => Promise<{ name: string; ra: number; dec: number } | null>;

/** The request's target: its coordinates, or its name looked up in the catalog. */
export async function resolveCenterBody(
  body: Pick<CenterBody, "ra" | "dec" | "target">,
  resolveTarget: ResolveTarget | undefined,
): Promise<NamedTarget> {
  if (body.ra !== undefined && body.dec !== undefined) {
    return { name: body.target ?? null, ra: body.ra, dec: body.dec };
  }
  const name = body.target;
  if (name === undefined) throw badRequest("body.ra", "give ra and dec, or a target name");
  if (!resolveTarget) {
    throw badRequest("body.target", "no catalog is available to resolve names: give ra and dec");
  }
  const hit = await resolveTarget(name);
  if (!hit) throw badRequest("body.target", `no object named "${name}" in the catalog`);
  return { name: hit.name, ra: hit.ra, dec: hit.dec };
}

/** The camera request's fields, as this API names them. */
const FIELD_NAMES: Record<string, string> = {
  "body.duration": "body.exposure_s",
  "body.binning": "body.binning",
  "body.gain": "body.gain",
  "body.offset": "body.gain",
};

/** Refuses what the run could not do; every refusal names what to change. */
export function checkRequest(
  mount: Mount,
  camera: Camera,
  target: NamedTarget,
  options: CenterOptions,
  cameraDefaults: { gain: number; offset: number },
  site: { latitudeDeg: number } | null,
  nowMs: number,
): void {
  try {
    resolveRequest(camera, {
      duration: options.exposure_s,
      binning: options.binning,
      gain: options.gain,
    }, cameraDefaults);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 400) throw err;
    const issue = (err.details as { issues?: { field: string; reason: string }[] } | undefined)
      ?.issues?.[0];
    if (!issue) throw err;
    throw badRequest(FIELD_NAMES[issue.field] ?? issue.field, issue.reason);
  }
  const status = mount.status();
  if (status.parked) throw conflict("the mount is parked: unpark it before centring");
  if (camera.status().exposure.state !== "idle") {
    throw conflict("the camera is exposing: wait for it or abort the exposure first");
  }
  if (site) {
    const altDeg = equatorialToHorizontal(
      j2000ToJNow({ raHours: target.ra, decDeg: target.dec }, nowMs),
      status.siderealTimeHours,
      site.latitudeDeg,
    ).altDeg;
    if (altDeg < 0) {
      throw badRequest(
        "body.dec",
        `RA ${target.ra.toFixed(4)} h, Dec ${target.dec.toFixed(3)}° is below the horizon now ` +
          `(altitude ${altDeg.toFixed(1)}°)`,
      );
    }
  }
}
