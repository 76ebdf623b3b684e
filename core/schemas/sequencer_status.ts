/**
 * The sequencer's status as GET /sequencer/status answers it and `sequencer.progress` carries it.
 * Apart from sequence.ts, which reaches the instruction registry (and through it the store), so
 * the event catalogue can take it without pulling the database into every command.
 */
import { z } from "zod";

export const SEQUENCER_STATES = [
  "idle",
  "running",
  "paused",
  "completed",
  "aborted",
  /** Stopped with its checkpoint kept (shutdown, unsafe weather): resumable. */
  "interrupted",
  "failed",
] as const;

export const SequencerStatusDto = z.object({
  state: z.enum(SEQUENCER_STATES),
  run_id: z.string().nullable(),
  sequence_id: z.string().nullable(),
  sequence_name: z.string().nullable(),
  step: z.object({
    index: z.number().describe(
      "0-based step: each frame-taking instruction, each time it runs, in plan order " +
        "(for targets: target × repetition × group)",
    ),
    description: z.string(),
    target: z.string().nullable(),
    filter: z.string().nullable(),
  }).nullable(),
  instruction: z.object({
    path: z.array(z.number()).describe(
      "where it stands in the instruction list: its index at each depth (a compiled sequence's " +
        "list for targets and options)",
    ),
    kind: z.string().describe("the instruction kind: capture, slew, cool_down, autofocus …"),
    frames: z.object({ n: z.number().describe("frames done"), of: z.number() }).nullable()
      .describe("this instruction's frames (this repetition); null when it takes none"),
  }).nullable().describe("the instruction running now, whether or not it takes frames"),
  frame: z.object({ n: z.number().describe("frames done"), of: z.number() }),
  elapsed_s: z.number(),
  eta_s: z.number().nullable().describe("seconds left by the plan with measured overheads"),
  paused_reason: z.string().nullable(),
  message: z.string().nullable().describe("what the run is doing now (cooling, slewing …)"),
});
export type SequencerStatusDto = z.infer<typeof SequencerStatusDto>;
