import { assert, assertEquals } from "../../tests/_assert.ts";
import { compareVersions } from "./version.ts";

Deno.test("versions order as semver does: numbers as numbers, a pre-release before its release", () => {
  const ordered = [
    "0.0.0-test",
    "0.1.0-rc.1",
    "0.1.0-rc.2",
    "0.1.0",
    "0.1.1",
    "0.2.0",
    "0.10.0",
    "1.0.0",
  ];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      const c = compareVersions(ordered[i]!, ordered[j]!);
      assert(Math.sign(c) === Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}: ${c}`);
    }
  }
  assertEquals(compareVersions("1.0.0+build.5", "1.0.0"), 0);
});
