/**
 * Keeping one sequence frame through the frame sink: the FITS file written durably first, then
 * the frame row and the run's checkpoint in ONE transaction, so a crash at any instant leaves both
 * or neither and the resumed run takes every planned frame exactly once. The sink announces the
 * frame (`camera.frame_ready`) once committed; its star figures follow.
 */
import type { RawFrame } from "../../devices/camera.ts";
import type { SavedFrame } from "../frames/frame_sink.ts";
import type { Checkpoint } from "../schemas/sequence.ts";
import { FrameRepository } from "../store/frames.ts";
import { SequenceRepository } from "../store/sequences.ts";
import type { SequencerContext } from "./context.ts";

export interface CommitInput {
  frame: RawFrame;
  /** OBJECT: the enclosing target's name (null: the centred target, else the frame type). */
  object: string | null;
  sequenceId: string;
  runId: string;
  /** The checkpoint once this frame is kept. */
  checkpoint: Checkpoint;
}

/** Saves the frame; resolves once its row and the checkpoint are committed (figures to follow). */
export async function commitFrame(ctx: SequencerContext, input: CommitInput): Promise<SavedFrame> {
  const { checkpoint } = input;
  return await ctx.sink.save(input.frame, {
    object: input.object,
    announce: true,
    sequenceId: input.sequenceId,
    record: (frameRow) =>
      ctx.db.kysely.transaction().execute(async (trx) => {
        await new FrameRepository(trx, { clock: ctx.clock }).insert(frameRow, input.sequenceId);
        // Wall time of the commit: orphan files are recognised by their (wall-clock) mtime.
        checkpoint.wall_ms = Date.now();
        await new SequenceRepository(trx, { clock: ctx.clock }).saveCheckpoint(
          input.runId,
          checkpoint,
        );
      }),
  });
}
