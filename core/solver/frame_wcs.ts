/**
 * A solved frame keeps its solution: when the file a solve read is a frame the box recorded, the
 * standard WCS keywords (lib/fits/wcs_cards.ts) and a HISTORY card naming the solver and its
 * version go into its FITS header — an earlier solution's keywords replaced — by a durable header
 * rewrite that leaves the pixels as they were (lib/fits/header_rewrite.ts), and the frame's row
 * records the solution and the file's new size (with the next file revision), then says the
 * file changed (core/frames/file_changes.ts), so a copy already in the cloud is replaced.
 * Stacking and annotation tools then find the frame's sky position in the file itself.
 */
import { relative } from "node:path";
import { wcsFigures } from "../../lib/astro/wcs.ts";
import { rewritePrimaryHeader } from "../../lib/fits/header_rewrite.ts";
import { isWcsRecord, tanWcsCards } from "../../lib/fits/wcs_cards.ts";
import type { FrameFileChanges } from "../frames/file_changes.ts";
import type { FrameDto, FrameWcsDto } from "../schemas/camera.ts";
import type { FrameRepository } from "../store/frames.ts";
import type { Solution } from "./solve.ts";

export interface FrameWcsOptions {
  dataDir: string;
  frames: FrameRepository;
  /** Told once the rewrite is recorded. */
  changes?: Pick<FrameFileChanges, "changed">;
}

/**
 * Writes `solution` into the frame at `imagePath` (absolute, resolved) and its row; resolves with
 * the updated row, or null when the file is not a recorded frame (then nothing is touched).
 */
export async function writeSolutionToFrame(
  o: FrameWcsOptions,
  imagePath: string,
  solution: Solution,
  solvedAtMs: number,
): Promise<FrameDto | null> {
  const path = relative(await Deno.realPath(o.dataDir), imagePath);
  const frame = await o.frames.byPath(path);
  if (!frame) return null;
  const solvedAt = new Date(solvedAtMs).toISOString();
  const solver = `${solution.solver}${solution.solverVersion ? ` ${solution.solverVersion}` : ""}`;
  const bytes = await rewritePrimaryHeader(imagePath, {
    keep: (record) => !isWcsRecord(record),
    add: [
      ...tanWcsCards(solution.wcs),
      {
        key: "HISTORY",
        value: `WCS by ${solver}, solved ${solvedAt.slice(0, 19)} UTC`.slice(0, 72),
      },
    ],
  });
  const wcs = wcsDto(solution, solvedAt);
  await o.frames.setWcs(frame.id, wcs, bytes);
  o.changes?.changed(frame.id);
  return { ...frame, wcs, bytes };
}

function wcsDto(solution: Solution, solvedAt: string): FrameWcsDto {
  const w = solution.wcs;
  const figures = wcsFigures(w);
  return {
    ra: solution.raDeg / 15,
    dec: solution.decDeg,
    position_angle: figures.positionAngleDeg,
    pixel_scale: figures.pixelScaleArcsec,
    mirrored: figures.mirrored,
    crval1: w.crval1Deg,
    crval2: w.crval2Deg,
    crpix1: w.crpix1Px,
    crpix2: w.crpix2Px,
    cd1_1: w.cd11,
    cd1_2: w.cd12,
    cd2_1: w.cd21,
    cd2_2: w.cd22,
    solver: solution.solver,
    solver_version: solution.solverVersion,
    solved_at: solvedAt,
  };
}
