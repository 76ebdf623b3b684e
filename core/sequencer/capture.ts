/**
 * Taking and keeping one sequence frame: the exposure request from the group (defaults clamped
 * to the camera), and the save through the frame sink — the FITS file written durably first, then
 * the frame row and the run's checkpoint in ONE transaction, so a crash at any instant leaves both
 * or neither and the resumed run takes every planned frame exactly once.
 */
import type { ExposureRequest, RawFrame } from "../../devices/camera.ts";
import type { SavedFrame } from "../frames/frame_sink.ts";
import type {
  Checkpoint,
  ExposureGroup,
  PlanPosition,
  SequenceDto,
  SequenceTarget,
} from "../schemas/sequence.ts";
import { FrameRepository } from "../store/frames.ts";
import { SequenceRepository } from "../store/sequences.ts";
import type { SequencerContext } from "./context.ts";
import * as plan from "./plan.ts";

export async function expose(
  ctx: SequencerContext,
  group: ExposureGroup,
  signal: AbortSignal,
): Promise<{ frame: RawFrame; request: ExposureRequest }> {
  const camera = ctx.hub.device("camera");
  const caps = camera.capabilities;
  const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
  const request: ExposureRequest = {
    durationS: group.frame_type === "bias"
      ? Math.max(group.exposure_s, caps.exposureMinS)
      : group.exposure_s,
    gain: group.gain ?? clamp(ctx.defaults.gain, caps.gainMin, caps.gainMax),
    offset: group.offset ?? clamp(ctx.defaults.offset, caps.offsetMin, caps.offsetMax),
    binning: group.binning,
    frameType: group.frame_type,
  };
  return { frame: await camera.expose(request, signal), request };
}

export interface SaveInput {
  frame: RawFrame;
  sequence: SequenceDto;
  runId: string;
  target: SequenceTarget;
  pos: PlanPosition;
  /** The frame's 0-based index in the plan. */
  index: number;
  checkpoint: Checkpoint;
}

/** Saves the frame; resolves with it (announced, its analysis under way) and the checkpoint. */
export async function saveWithCheckpoint(
  ctx: SequencerContext,
  input: SaveInput,
): Promise<{ saved: SavedFrame; checkpoint: Checkpoint }> {
  const { pos, sequence } = input;
  const done = input.checkpoint.done_per_group.map((row) => [...row]);
  const row = done[pos.target_index];
  if (row) row[pos.group_index] = (row[pos.group_index] ?? 0) + 1;
  const next: Checkpoint = {
    next: plan.advance(sequence, pos),
    frames_done: input.checkpoint.frames_done + 1,
    done_per_group: done,
    wall_ms: Date.now(),
  };
  const saved = await ctx.sink.save(input.frame, {
    object: input.target.name,
    announce: true,
    sequenceId: sequence.id,
    record: (frameRow) =>
      ctx.db.kysely.transaction().execute(async (trx) => {
        await new FrameRepository(trx, { clock: ctx.clock }).insert(frameRow, sequence.id);
        // Wall time of the commit: orphan files are recognised by their (wall-clock) mtime.
        next.wall_ms = Date.now();
        await new SequenceRepository(trx, { clock: ctx.clock }).saveCheckpoint(input.runId, next);
      }),
  });
  return { saved, checkpoint: next };
}
