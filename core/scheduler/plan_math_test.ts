/**
 * A block's sequence carries its target's rotator angle (a mosaic panel's position angle), so
 * the sequencer turns the rotator there before the block's frames; a target without one leaves
 * the rotator alone.
 */
import { assertEquals } from "../../tests/_assert.ts";
import { SchedulerPlan } from "../schemas/scheduler.ts";
import { blockSequence } from "./plan_math.ts";

Deno.test("blockSequence: the target's rotation_deg goes into the block's sequence", () => {
  const plan = {
    ...SchedulerPlan.parse({
      name: "M31 mosaic",
      targets: [
        {
          name: "P01",
          ra: 0.7,
          dec: 41,
          rotation_deg: 212.5,
          groups: [{ exposure_s: 60, count: 3 }],
        },
        { name: "P02", ra: 0.8, dec: 41, groups: [{ exposure_s: 60, count: 3 }] },
      ],
    }),
    id: "plan",
  };
  const until = Date.UTC(2026, 9, 15, 3);
  assertEquals(blockSequence(plan, 0, [1], until, false).sequence.targets[0]!.rotation_deg, 212.5);
  assertEquals(
    "rotation_deg" in blockSequence(plan, 1, [0], until, false).sequence.targets[0]!,
    false,
  );
});
