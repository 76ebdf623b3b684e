/**
 * The named-star parser on real lines of Debian siril-common 1.0.6's
 * /usr/share/siril/catalogue/stars.txt, copied verbatim with their CRLF line ends.
 */
import { assertEquals, assertMatch, assertThrows } from "../../tests/_assert.ts";
import { CatalogParseError } from "./parse_dso.ts";
import { parseStarLine, parseStarsFile } from "./parse_stars.ts";

// stars.txt
const LINES = [
  "CG And;0.012121;+;45.253333;0;6.36;-",
  "kap01 Scl;0.155853;-;27.987944;0;5.42;-",
  "mu. Cas;1.137879;+;54.9202;0;5.17;Marfak",
  "alf Lyr;18.615639;+;38.783611;0;0.03;Vega",
  "alf CMa;6.752472;-;16.716111;0;-1.44;Sirius",
];

Deno.test("parse_stars: CRLF rows, RA hours, Dec sign column, magnitude, proper name or -", () => {
  const stars = parseStarsFile(LINES.join("\r\n"), "stars.txt");
  assertEquals(stars.length, 5);
  assertEquals(stars[3], {
    code: "alf Lyr",
    raHours: 18.615639,
    decDeg: 38.783611,
    magnitude: 0.03,
    sizeArcmin: null,
    names: ["Vega"],
    aliases: [],
  });
  assertEquals(stars.map((s) => s.names[0] ?? null), [null, null, "Marfak", "Vega", "Sirius"]);
  assertEquals(stars.map((s) => s.decDeg), [45.253333, -27.987944, 54.9202, 38.783611, -16.716111]);
  // A negative magnitude is a bright star, not a placeholder.
  assertEquals(stars[4]?.magnitude, -1.44);
});

Deno.test("parse_stars: a row with the wrong shape names the line and the field", () => {
  const message = (line: string) =>
    assertThrows(() => parseStarsFile(`${LINES[0]}\r\n${line}\r\n`, "stars.txt"), CatalogParseError)
      .message;
  assertMatch(message("alf Lyr;18.6;+;38.8;0;0.03"), /stars\.txt:2: expected 7 columns, found 6/);
  assertMatch(message("alf Lyr;25;+;38.8;0;0.03;Vega"), /RA "25" is not in hours/);
  assertMatch(message("alf Lyr;18.6;N;38.8;0;0.03;Vega"), /Dec sign "N"/);
  assertMatch(message("alf Lyr;18.6;+;;0;0.03;Vega"), /\|Dec\| "" is not in degrees/);
  assertEquals(parseStarLine("alf Lyr;18.6;+;38.8;0;;Vega").magnitude, null);
});
