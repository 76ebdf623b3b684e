/**
 * The arithmetic of a program, without a rig: what targets and options compile to, how many
 * frames and steps it holds, where every frame sits (its index, its old target → repetition →
 * group → frame position, and back), the checkpoint's shape, and the ETA from the kinds'
 * estimates — filter changes counted across repetitions as they wrap around, triggers' costs per
 * frame, the part of a group already done left out.
 */
import { assertEquals } from "../../tests/_assert.ts";
import { Sequence, type SequenceInput } from "../schemas/sequence.ts";
import { compileSequence, programOf } from "./compile.ts";
import { remainingS } from "./estimate.ts";
import { instructionRegistry } from "./instructions/registry.ts";
import { NO_SESSION } from "./instructions/_test_kit.ts";
import { Measurements } from "./measurements.ts";
import { cursorOf, cursorOfPosition, emptyCheckpoint, planPosition } from "./position.ts";
import { type Cursor, type Program, START } from "./program.ts";

const TWO_TARGETS: SequenceInput = {
  name: "two",
  targets: [{
    name: "A",
    ra: 1,
    dec: 2,
    groups: [{ filter: "L", exposure_s: 5, count: 2 }, { filter: "R", exposure_s: 5, count: 1 }],
    loop: { repeat: 2, until_time: "2030-01-01T00:00:00Z" },
  }, {
    name: "B",
    ra: 3,
    dec: 4,
    rotation_deg: 90,
    groups: [{ exposure_s: 60, count: 3 }],
  }],
  options: {
    cool_down: { target_c: -10 },
    guiding: { enabled: true },
    dither: { every_frames: 2 },
    park_at_end: true,
  },
};

function program(input: SequenceInput): Program {
  return programOf(Sequence.parse(input), instructionRegistry);
}

function kinds(list: readonly { kind: string; instructions?: unknown }[]): unknown[] {
  return list.map((i) =>
    Array.isArray(i.instructions) ? { [i.kind]: kinds(i.instructions) } : i.kind
  );
}

Deno.test("compile: options first, a target block per target, the end of the night last", () => {
  const { instructions, origins } = compileSequence(Sequence.parse(TWO_TARGETS));
  assertEquals(kinds(instructions), [
    "cool_down",
    "meridian_flip",
    "dither",
    {
      target: [
        "until",
        "slew",
        "start_guiding",
        { loop: ["switch_filter", "capture", "switch_filter", "capture"] },
      ],
    },
    { target: ["slew", "rotate", "start_guiding", "capture"] },
    "stop_guiding",
    "park",
  ]);
  const a = instructions[3]!.instructions as { kind: string; instructions?: object[] }[];
  assertEquals(origins.get(a[0]!), ["targets", 0, "loop"]);
  assertEquals(origins.get(a[3]!.instructions![2] as never), ["targets", 0, "groups", 1]);
});

Deno.test("program: frames, steps and every frame's position, both ways", () => {
  const p = program(TWO_TARGETS);
  assertEquals(p.totalFrames, 9);
  const seen: unknown[] = [];
  for (let c: Cursor | null = p.nextFrame(START); c !== null; c = p.nextFrame(next(c))) {
    const pos = planPosition(p, c)!;
    seen.push([p.frameIndexAt(c), p.stepIndexAt(c), Object.values(pos).join("")]);
    assertEquals(cursorOfPosition(p, pos), c);
  }
  // index, step, target·loop·group·frame
  assertEquals(seen, [
    [0, 0, "0000"],
    [1, 0, "0001"],
    [2, 1, "0010"],
    [3, 2, "0100"],
    [4, 2, "0101"],
    [5, 3, "0110"],
    [6, 4, "1000"],
    [7, 4, "1001"],
    [8, 4, "1002"],
  ]);
  const inSecondRound: Cursor = { at: [3, 3, 1], rounds: [0, 1, 0], done: 1 };
  assertEquals(p.framesLeftInBlock(inSecondRound, 0), 2, "A's rest: 1 L and 1 R");
  assertEquals(planPosition(p, { at: [5], rounds: [0], done: 0 }), null, "after the frames");
});

Deno.test("checkpoint: the old shape, and an old checkpoint without a cursor resumes", () => {
  const p = program(TWO_TARGETS);
  const empty = emptyCheckpoint(p, 0);
  assertEquals(empty.done_per_group, [[0, 0], [0]]);
  assertEquals(empty.next, { target_index: 0, loop_index: 0, group_index: 0, frame_index: 0 });
  const old = {
    next: { target_index: 0, loop_index: 1, group_index: 1, frame_index: 0 },
    frames_done: 5,
    done_per_group: [[4, 1], [0]],
    wall_ms: 0,
  };
  assertEquals(cursorOf(p, old), { at: [3, 3, 3], rounds: [0, 1, 0], done: 0 });
  assertEquals(cursorOf(p, { ...old, next: null }), null);
});

function next(c: Cursor): Cursor {
  return { ...c, done: c.done + 1 };
}

const LR_THREE_TIMES: SequenceInput = {
  name: "LR",
  targets: [{
    name: "A",
    ra: 1,
    dec: 2,
    groups: [{ filter: "L", exposure_s: 5, count: 2 }, { filter: "R", exposure_s: 5, count: 1 }],
    loop: { repeat: 3 },
  }],
  options: { slew: false },
};

function eta(p: Program, cursor: Cursor | null, measured: Record<string, number>, filter = "") {
  const measurements = new Measurements();
  for (const [key, s] of Object.entries(measured)) measurements.add(key, s * 1000);
  const session = { ...NO_SESSION, filter: filter ? { name: filter, offsetSteps: 0 } : null };
  return remainingS(p, cursor, { measurements, session, framesThisRun: 0, nowMs: 0 });
}

Deno.test("estimate: exposures, downloads and filter changes that wrap around repetitions", () => {
  const p = program(LR_THREE_TIMES);
  const measured = { download: 1, switch_filter: 10 };
  // 9 frames × 6 s, and L, R in each of 3 rounds: 6 changes × 10 s.
  assertEquals(eta(p, START, measured), 9 * 6 + 6 * 10);
  // L already in the path: the first change is not needed.
  assertEquals(eta(p, START, measured, "L"), 9 * 6 + 5 * 10);
  // In round 2, one L frame done, L in the path: 1 L + 1 R, then a whole round.
  assertEquals(
    eta(p, { at: [0, 0, 1], rounds: [0, 1, 0], done: 1 }, measured, "L"),
    5 * 6 + 3 * 10,
  );
  assertEquals(eta(p, null, measured), 0);
});

Deno.test("estimate: a dither trigger costs its mean over its period on every frame", () => {
  const p = program({ ...LR_THREE_TIMES, options: { slew: false, dither: { every_frames: 3 } } });
  assertEquals(eta(p, START, { dither: 6 }, "L"), 9 * 5 + 9 * 2);
});
