/**
 * Keeping one sequence frame: the FITS file written durably first, then the frame row and the
 * run's checkpoint in ONE transaction, so a crash at any instant leaves both or neither and the
 * resumed run takes every planned frame exactly once.
 */
import type { RawFrame } from "../../devices/camera.ts";
import { saveFrame } from "../camera/save_frame.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { Checkpoint } from "../schemas/sequence.ts";
import { FrameRepository } from "../store/frames.ts";
import { SequenceRepository } from "../store/sequences.ts";
import type { SequencerContext } from "./context.ts";

export interface CommitInput {
  frame: RawFrame;
  /** OBJECT: the enclosing target's name (null: the frame type names it). */
  object: string | null;
  sequenceId: string;
  runId: string;
  /** The frame's 0-based index in the plan; {seq} in the file name is index + 1. */
  index: number;
  /** The checkpoint once this frame is kept. */
  checkpoint: Checkpoint;
}

/** Saves the frame; resolves with its row once the row and the checkpoint are committed. */
export async function commitFrame(ctx: SequencerContext, input: CommitInput): Promise<FrameDto> {
  const { checkpoint } = input;
  return await saveFrame({
    frameId: crypto.randomUUID(),
    frame: input.frame,
    object: input.object,
    sequence: input.index + 1,
    hub: ctx.hub,
    dataDir: ctx.dataDir,
    filePattern: ctx.filePattern,
    frames: new FrameRepository(ctx.db, { clock: ctx.clock }),
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
