/**
 * The deep-sky parser on real lines of Debian siril-common 1.0.6's /usr/share/siril/catalogue
 * files, copied verbatim (file named above each group), including their irregular rows.
 */
import { assertEquals, assertMatch, assertThrows } from "../../tests/_assert.ts";
import { CatalogParseError, parseDsoFile, parseDsoLine } from "./parse_dso.ts";

Deno.test("parse_dso: messier.txt rows, RA hours, Dec sign column, size, magnitude, aliases", () => {
  // messier.txt (header and three rows)
  const text = "Code;RA;N/S;DEC;Diameter;mag;Name;Alias;\n" +
    "M1;5.5755480;+;22.014467;6;8.4;Crab nebula;NGC1952/Sh2-244;\n" +
    "M42;5.5878780;-;5.3902220;66;4;Orion nebula;NGC1976/Sh2-281;\n" +
    "M45;3.7900000;+;24.116667;110;1.6;Pleiades;\n";
  const [m1, m42, m45, ...more] = parseDsoFile(text, "messier.txt");
  assertEquals(more.length, 0);
  assertEquals(m42, {
    code: "M42",
    raHours: 5.587878,
    decDeg: -5.390222,
    magnitude: 4,
    sizeArcmin: 66,
    names: ["Orion nebula"],
    aliases: ["NGC1976", "Sh2-281"],
  });
  assertEquals(m1?.aliases, ["NGC1952", "Sh2-244"]);
  assertEquals(m1?.decDeg, 22.014467);
  // M45 has no alias column at all.
  assertEquals([m45?.names, m45?.aliases, m45?.sizeArcmin], [["Pleiades"], [], 110]);
});

Deno.test("parse_dso: a magnitude fused with its name (messier.txt M77) is split back", () => {
  // messier.txt
  const m77 = parseDsoLine("M77;2.7113020;+;0.0133720;6.9;8.8 Cetus A;NGC1068;");
  assertEquals([m77.magnitude, m77.names, m77.aliases], [8.8, ["Cetus A"], ["NGC1068"]]);
});

Deno.test("parse_dso: ngc.txt and ic.txt rows with empty cells and cross-references", () => {
  // ngc.txt
  const ngc = parseDsoFile(
    "Code;RA;N/S;DEC;Diameter;mag;Name;Alias;\n" +
      "NGC6;0.159056;+;33.308889;1.7;13.1;;NGC20;\n" +
      "NGC224;0.712306;+;41.268889;189.1;3.4;;M31;\n" +
      "NGC7000;20.988333;+;44.516667;120;5;;;\n",
    "ngc.txt",
  );
  assertEquals(ngc.map((e) => [e.code, e.aliases, e.names]), [
    ["NGC6", ["NGC20"], []],
    ["NGC224", ["M31"], []],
    ["NGC7000", [], []],
  ]);
  // ic.txt: IC1 has neither size nor magnitude; IC434 no magnitude.
  const ic1 = parseDsoLine("IC1;0.140917;+;27.719167;;;;;");
  assertEquals([ic1.magnitude, ic1.sizeArcmin], [null, null]);
  const ic434 = parseDsoLine("IC434;5.683333;-;2.453333;60;;;;");
  assertEquals([ic434.raHours, ic434.decDeg, ic434.sizeArcmin, ic434.magnitude], [
    5.683333,
    -2.453333,
    60,
    null,
  ]);
  assertEquals(parseDsoLine("IC5386;0.107889;-;3.716667;1.9;13.2;;NGC7832;").aliases, [
    "NGC7832",
  ]);
});

Deno.test("parse_dso: sh2.txt rows put the name one column late; 99 and -1.0 mean unknown", () => {
  // sh2.txt
  const rows = parseDsoFile(
    "Code;RA;N/S;DEC;Diameter;mag;Name;Alias\n" +
      "Sh2-1;15.980890;-;26.120551;-1.0;99;-\n" +
      "Sh2-6;17.251141;-;37.116579;-1.0;99;-;NGC 6302;\n" +
      "Sh2-25;18.090564;-;24.394283;-1.0;99;-;Lagoon nebula;M8/NGC6523/NGC6533;\n" +
      "Sh2-244;5.575202;+;21.952391;-1.0;99;Crab nebula;M1/Sh2-244;\n",
    "sh2.txt",
  );
  assertEquals(rows.map((e) => [e.code, e.magnitude, e.sizeArcmin, e.names, e.aliases]), [
    ["Sh2-1", null, null, [], []],
    ["Sh2-6", null, null, [], ["NGC6302"]],
    ["Sh2-25", null, null, ["Lagoon nebula"], ["M8", "NGC6523", "NGC6533"]],
    // Its own designation in the alias list is dropped.
    ["Sh2-244", null, null, ["Crab nebula"], ["M1"]],
  ]);
});

Deno.test("parse_dso: ldn.txt's header names a column its rows lack; the rows are read", () => {
  // ldn.txt
  const rows = parseDsoFile(
    "Code;RA;;N/S;DEC;Diameter;mag;Name\n" +
      "LdN-1;16.480960;-;16.109431;  -1.000;99;-\n" +
      "LdN-569;18.308895;+;1.520959;  -1.000;99;-;\n",
    "ldn.txt",
  );
  assertEquals(rows.map((e) => [e.code, e.raHours, e.decDeg, e.sizeArcmin, e.names]), [
    ["LdN-1", 16.48096, -16.109431, null, []],
    ["LdN-569", 18.308895, 1.520959, null, []],
  ]);
});

Deno.test("parse_dso: a broken row names the file, the line and the field", () => {
  const bad = (text: string, pattern: RegExp) =>
    assertMatch(
      assertThrows(() => parseDsoFile(text, "ngc.txt"), CatalogParseError).message,
      pattern,
    );
  bad("Code;RA\nNGC1;24.5;+;27.7;1.7;12.9;;;", /ngc\.txt:2: RA 24\.5 is not in hours/);
  bad("NGC1;x;+;27.7;1.7;12.9;;;", /ngc\.txt:1: RA "x" is not a number/);
  bad("NGC1;0.12;*;27.7;1.7;12.9;;;", /Dec sign "\*"/);
  bad("NGC1;0.12;+;97.7;1.7;12.9;;;", /\|Dec\| 97\.7/);
  bad("NGC1;0.12;+;27.7;1.7;bright;;;", /magnitude "bright" is not a number/);
});
