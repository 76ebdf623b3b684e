/** The one filter lookup: exact name first, then a unique case-insensitive match, else null. */
import { assertEquals } from "../tests/_assert.ts";
import { filterNames, slotOfFilter } from "./filterwheel.ts";

const slots = (...names: string[]) => names.map((name) => ({ name, focusOffsetSteps: 0 }));

Deno.test("slotOfFilter: exact, then unique ignoring case, else null", () => {
  const wheel = slots("L", "R", "G", "B", "Ha");
  assertEquals(slotOfFilter(wheel, "Ha"), 4);
  assertEquals(slotOfFilter(wheel, "ha"), 4);
  assertEquals(slotOfFilter(wheel, "Hb"), null);
  // "l" would fit both: the exact one wins, and without it the name is ambiguous.
  assertEquals(slotOfFilter(slots("L", "l"), "l"), 1);
  assertEquals(slotOfFilter(slots("L", "l"), "L"), 0);
  assertEquals(slotOfFilter(slots("OIII", "oiii"), "Oiii"), null);
  assertEquals(filterNames(wheel), "L, R, G, B, Ha");
});
