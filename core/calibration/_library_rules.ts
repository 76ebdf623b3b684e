/**
 * The library's small rules, apart from its plumbing: which master type a list of frames makes
 * (a dark-flat is made of camera darks), the settings of a light given by query instead of by
 * frame id, and the file name a master gets under `<data dir>/calibration/`.
 */
import { badRequest } from "../../lib/errors.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { LightSettingsDto, MasterType } from "../schemas/calibration.ts";
import type { MatchRequest } from "./calibration_service.ts";

export function explicitLight(q: MatchRequest): LightSettingsDto {
  for (const key of ["gain", "offset", "binning", "exposure_s"] as const) {
    if (q[key] === undefined) {
      throw badRequest(`query.${key}`, "required when frame_id is not given");
    }
  }
  return {
    camera: q.camera ?? null,
    gain: q.gain!,
    offset: q.offset!,
    binning: q.binning!,
    width: null,
    height: null,
    temp_c: q.temp_c ?? null,
    exposure_s: q.exposure_s!,
    filter: q.filter ?? null,
  };
}

/** The master type for these frames; a darkflat is made of camera darks. */
export function masterType(asked: MasterType | undefined, frames: FrameDto[]): MasterType {
  const first = frames[0]!;
  if (first.frame_type === "light") {
    throw badRequest(
      "body.frame_ids",
      `frame ${first.id} is a light; masters are made of bias, dark or flat frames`,
    );
  }
  const type = asked ?? first.frame_type;
  const raw = type === "darkflat" ? "dark" : type;
  for (const f of frames) {
    if (f.frame_type !== raw) {
      throw badRequest(
        "body.frame_ids",
        `a ${type} master is made of ${raw} frames, but frame ${f.id} is a ${f.frame_type}`,
      );
    }
  }
  return type;
}

export function masterFileName(type: MasterType, f: FrameDto, nowMs: number, id: string): string {
  const parts = [
    `master_${type}`,
    type === "bias" ? null : `${f.duration_s}s`,
    `g${f.gain}`,
    `o${f.offset}`,
    `bin${f.binning}`,
    f.sensor_temp_c === null ? null : `${f.sensor_temp_c.toFixed(0)}C`,
    type === "flat" && f.filter !== null ? f.filter : null,
    new Date(nowMs).toISOString().replace(/[-:]/g, "").slice(0, 15),
    id.slice(0, 8),
  ];
  return `${parts.filter((p) => p !== null).join("_").replace(/[^A-Za-z0-9._-]/g, "-")}.fits`;
}
