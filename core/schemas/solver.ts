/** API shapes of the plate solver: a solve request, a job's answer, the installed indexes. */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";
import type { SolveJob } from "../solver/solver_service.ts";

export const SolveBody = z.object({
  image_path: z.string().min(1).max(4096)
    .describe("FITS file inside the data directory, relative to it or absolute"),
  ra_hint: raHours.optional().describe("approximate centre RA, J2000 hours"),
  dec_hint: decDeg.optional().describe("approximate centre Dec, J2000 degrees"),
}).refine((b) => (b.ra_hint === undefined) === (b.dec_hint === undefined), {
  message: "give both ra_hint and dec_hint, or neither",
  path: ["dec_hint"],
});

export const SolveAccepted = z.object({ id: z.string() });

export const SolveResultDto = z.object({
  id: z.string(),
  status: z.enum(["pending", "solved", "failed"]),
  image_path: z.string(),
  ra: z.number().nullable().describe("centre RA, J2000 hours"),
  dec: z.number().nullable().describe("centre Dec, J2000 degrees"),
  position_angle: z.number().nullable().describe("image up, degrees east of north [0, 360)"),
  pixel_scale: z.number().nullable().describe("arcsec per pixel"),
  field_width: z.number().nullable().describe("degrees"),
  field_height: z.number().nullable().describe("degrees"),
  mirrored: z.boolean().nullable(),
  solver: z.enum(["astap", "astrometry.net"]).nullable(),
  solver_version: z.string().nullable(),
  frame_id: z.string().nullable()
    .describe("the recorded frame whose FITS header and row now carry the solution (WCS)"),
  duration_ms: z.number().nullable().describe("solving time, queueing excluded"),
  error: z.string().nullable(),
});
export type SolveResultDto = z.infer<typeof SolveResultDto>;

export function toSolveResultDto(job: SolveJob): SolveResultDto {
  const s = job.solution;
  return {
    id: job.id,
    status: job.status,
    image_path: job.imagePath,
    ra: s ? s.raDeg / 15 : null,
    dec: s?.decDeg ?? null,
    position_angle: s?.positionAngleDeg ?? null,
    pixel_scale: s?.pixelScaleArcsec ?? null,
    field_width: s?.fieldWidthDeg ?? null,
    field_height: s?.fieldHeightDeg ?? null,
    mirrored: s?.mirrored ?? null,
    solver: s?.solver ?? null,
    solver_version: s?.solverVersion ?? null,
    frame_id: job.frameId,
    duration_ms: job.durationMs,
    error: job.error,
  };
}

export const IndexesDto = z.object({
  field_width_arcmin: z.number().nullable()
    .describe("the active profile's field width; null without optics and camera"),
  astap: z.array(z.object({
    name: z.string().describe("database abbreviation, e.g. D50"),
    files: z.number(),
    size_bytes: z.number(),
  })),
  astrometry_net: z.array(z.object({
    file: z.string(),
    index_id: z.number().nullable(),
    size_bytes: z.number(),
    quad_min_arcmin: z.number().nullable(),
    quad_max_arcmin: z.number().nullable(),
    covers_field: z.boolean().nullable().describe("quads are 10–100 % of the field width"),
  })),
});

export const DownloadIndexBody = z.object({
  database: z.string().min(1).max(120)
    .describe(
      "file name on the mirror: index-….fits (astrometry.net) or e.g. d50_0101.1476 (ASTAP)",
    ),
});

export const DownloadAccepted = z.object({
  accepted: z.literal(true),
  target: z.string().describe("where the file is installed once complete"),
});
