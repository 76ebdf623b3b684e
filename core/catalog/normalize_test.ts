/** Search-key folding: the spellings people type meet on one key. */
import { assertEquals } from "../../tests/_assert.ts";
import { displayDesignation, searchKey, starKeys } from "./normalize.ts";

Deno.test("searchKey: case, spaces, punctuation, accents and leading zeros fold away", () => {
  const same = (key: string, spellings: string[]) =>
    assertEquals(spellings.map(searchKey), spellings.map(() => key));
  same("m42", ["M42", "M 42", "m42", "M042", " m-42 "]);
  same("ngc7000", ["NGC 7000", "NGC7000", "ngc 7000", "NGC 07000"]);
  same("ic434", ["IC 434", "ic434", "I.C. 434"]);
  same("sh2155", ["Sh2-155", "sh 2-155", "SH2 155", "Sharpless 2-155", "Sharpless 155"]);
  same("ldn1", ["LdN-1", "LDN 1", "ldn 001"]);
  same("orionnebula", ["Orion Nebula", "orion nebula", "Orion-Nebula"]);
  same("barnardsloop", ["Barnard's Loop"]);
  same("alfirk", ["Alfirk", "Álfirk"]);
  // "M" followed by a letter is a word, not Messier: nothing to strip.
  same("mira", ["Mira"]);
  assertEquals(searchKey(" -/- "), "");
});

Deno.test("starKeys: Bayer abbreviations also get the spelled-out Greek key", () => {
  assertEquals(starKeys("alf Lyr"), ["alflyr", "alphalyr"]);
  assertEquals(starKeys("kap01 Scl"), ["kap01scl", "kappa01scl"]);
  assertEquals(starKeys("mu. Cas"), ["mucas"]);
  assertEquals(starKeys("tet Oct"), ["tetoct", "thetaoct"]);
  assertEquals(starKeys("29 Psc"), ["29psc"]);
  assertEquals(starKeys("CG And"), ["cgand"]);
});

Deno.test("displayDesignation: as people write them", () => {
  assertEquals(
    ["M42", "NGC7000", "ngc 224", "IC434", "Sh2-155", "LdN-1", "alf Lyr"].map(displayDesignation),
    ["M42", "NGC 7000", "NGC 224", "IC 434", "Sh2-155", "LDN 1", "alf Lyr"],
  );
});
