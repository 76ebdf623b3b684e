import { assertEquals, assertMatch, assertThrows } from "../../tests/_assert.ts";
import { formatSpdx, parseSpdx, spdxLicences, SpdxSyntaxError } from "./spdx.ts";
import { listedException, listedLicence } from "./spdx_list.ts";

const canonical = (text: string) => formatSpdx(parseSpdx(text));

Deno.test("spdx: expressions stay expressions, in one canonical form", () => {
  assertEquals(canonical("MIT"), "MIT");
  assertEquals(canonical("MIT OR Apache-2.0"), "MIT OR Apache-2.0");
  assertEquals(canonical("(MIT AND Zlib)"), "MIT AND Zlib");
  assertEquals(canonical("mit or  apache-2.0"), "mit OR apache-2.0");
  // AND binds tighter than OR; the parentheses that change the meaning are kept.
  assertEquals(canonical("MIT OR Apache-2.0 AND Zlib"), "MIT OR Apache-2.0 AND Zlib");
  assertEquals(canonical("(MIT OR Apache-2.0) AND Zlib"), "(MIT OR Apache-2.0) AND Zlib");
  assertEquals(canonical("((ISC))"), "ISC");
  assertEquals(
    canonical("GPL-2.0+ WITH Classpath-exception-2.0"),
    "GPL-2.0+ WITH Classpath-exception-2.0",
  );
  assertEquals(canonical("LicenseRef-Debian-permissive"), "LicenseRef-Debian-permissive");
  assertEquals(
    spdxLicences(parseSpdx("(MIT OR Apache-2.0) AND Zlib")).map((n) => n.id),
    ["MIT", "Apache-2.0", "Zlib"],
  );
});

Deno.test("spdx: what is not an expression says where it goes wrong", () => {
  for (
    const [text, why] of [
      ["", /empty/],
      ["MIT OR", /ends where a licence was expected/],
      ["(MIT", /unclosed/],
      ["MIT Apache-2.0", /after a complete expression/],
      ["SEE LICENSE IN LICENSE.md", /after a complete expression/],
      ["MIT/X11", /not a licence identifier/],
      ["GPL-2.0 WITH", /exception identifier/],
      ["AND MIT", /"AND" where a licence was expected/],
    ] as const
  ) {
    assertMatch(assertThrows(() => parseSpdx(text), SpdxSyntaxError).message, why);
  }
});

Deno.test("spdx list: identifiers get SPDX's spelling; unlisted ones are not invented", () => {
  assertEquals(listedLicence("mit"), "MIT");
  assertEquals(listedLicence("bsd-3-clause"), "BSD-3-Clause");
  assertEquals(listedLicence("GPL-2.0"), "GPL-2.0"); // deprecated, still listed
  assertEquals(listedLicence("Expat"), null);
  assertEquals(listedException("classpath-exception-2.0"), "Classpath-exception-2.0");
  assertEquals(listedException("OpenSSL exception"), null);
});
