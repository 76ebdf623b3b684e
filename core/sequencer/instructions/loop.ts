/**
 * `loop`: a block whose instructions run `repeat` times in order. To stop it early (a time, an
 * altitude, dawn), put an `until` first in it: a met condition ends the whole loop.
 */
import { z } from "zod";
import { defineBlock } from "./kind.ts";

export const loop = defineBlock({
  kind: "loop",
  summary: "Runs its instructions `repeat` times, in order",
  fields: {
    repeat: z.number().int().min(1, "must be at least 1").max(1000)
      .describe("how many times the instructions run, in order"),
  },
  block: {
    rounds: (p) => p.repeat,
  },
});
