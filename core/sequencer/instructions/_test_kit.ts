/**
 * Helpers for the instruction kinds' tests: run an explicit instruction list on the simulated rig
 * of `_test_rig.ts` (validated and stored like an API body), read the fields of a 400, and build
 * the estimate environment a kind's `estimateS` sees, with overheads the test chooses.
 */
import { assertRejects } from "../../../tests/_assert.ts";
import { AppError } from "../../../lib/errors.ts";
import type { SequenceDto } from "../../schemas/sequence.ts";
import type { RunOutcome } from "../engine.ts";
import { Measurements } from "../measurements.ts";
import type { TestRig } from "../_test_rig.ts";
import type { EstimateEnv, Session } from "./kind.ts";

export async function storeProgram(rig: TestRig, instructions: unknown[]): Promise<SequenceDto> {
  const sequence = await rig.service.validate({ name: "instructions", instructions });
  return await rig.service.sequences.create(sequence);
}

/** Validates, stores and runs `instructions` to the end on the rig's clock. */
export async function runProgram(
  rig: TestRig,
  instructions: unknown[],
  maxMs = 3_600_000,
): Promise<RunOutcome> {
  const dto = await storeProgram(rig, instructions);
  return await rig.drive(rig.service.run(dto), maxMs);
}

/** The `field: reason` lines of the 400 a body gets. */
export async function issuesOf(rig: TestRig, body: unknown): Promise<string[]> {
  const err = await assertRejects(() => rig.service.validate(body), AppError);
  const issues = (err as AppError).details as { issues: { field: string; reason: string }[] };
  return issues.issues.map((i) => `${i.field}: ${i.reason}`);
}

export const NO_SESSION: Session = {
  filter: null,
  appliedOffsetSteps: null,
  filterChanged: false,
  guiding: null,
};

/** An estimate environment with `measured` overheads (key → seconds, one sample each). */
export function estimateEnv(
  measured: Record<string, number> = {},
  more: Partial<EstimateEnv> & { perFrame?: number[] } = {},
): EstimateEnv & { perFrame: number[] } {
  const m = new Measurements();
  for (const [key, s] of Object.entries(measured)) m.add(key, s * 1000);
  const perFrame = more.perFrame ?? [];
  return {
    progress: 0,
    atMs: Date.UTC(2026, 0, 15, 22, 0),
    session: structuredClone(NO_SESSION),
    framesThisRun: 0,
    meanS: (key) => m.meanS(key),
    totalS: (key) => m.totalS(key),
    perFrameS: () => perFrame.reduce((a, b) => a + b, 0),
    addPerFrameS: (s) => void perFrame.push(s),
    ...more,
    perFrame,
  };
}
