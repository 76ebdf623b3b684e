/**
 * The catalog group through a real server over the real siril-common files: the import after
 * listening, search however a name is typed, lookup by id, "what is up tonight" at the default
 * profile's site (Greenwich, 51.48° N) on fixed dates, and 503 when the package is missing.
 */
import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../_assert.ts";
import { type TestServer, withServer } from "./_server.ts";

interface ObjectDto {
  id: string;
  designation: string;
  name: string | null;
  catalogue: string;
  type: string;
  ra: number;
  dec: number;
  magnitude: number | null;
  size_arcmin: number | null;
  match?: string;
}
interface TonightObject extends ObjectDto {
  alt_now: number;
  minutes_above: number;
  peak_alt: number;
  transit_alt: number;
  score: number;
  score_parts: Record<"visibility" | "framing" | "brightness" | "moon", number>;
  dark_hours_above: number;
  max_alt_deg: number;
  moon_sep_deg: number | null;
  fits_field: boolean | null;
}
interface Tonight {
  night: { darkness: string; minutes: number } | null;
  field: { width_deg: number; height_deg: number } | null;
  moon_illumination: number;
  objects: TonightObject[];
}

/** Waits (bounded) until the import that started after listening is done. */
async function catalogReady(t: TestServer): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  while (true) {
    const status = await t.json("GET", "/catalog/status");
    if (status.state !== "importing") return status;
    if (Date.now() > deadline) throw new Error("the catalog import did not finish in 20 s");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function search(t: TestServer, q: string): Promise<ObjectDto[]> {
  const res = await t.json<{ results: ObjectDto[] }>(
    "GET",
    `/catalog/search?q=${encodeURIComponent(q)}&limit=5`,
  );
  return res.results;
}

Deno.test("catalog API: search, lookup and validation over the real catalogues", async () => {
  await withServer(async (t) => {
    const status = await catalogReady(t);
    assertEquals(status.state, "ready");
    // Thousands of NGC objects (8411 in siril-common 1.0.6; other versions differ a little).
    assert(((status.counts as Record<string, number>).ngc ?? 0) > 7000);
    for (const q of ["M42", "M 42", "m42"]) {
      const [m42] = await search(t, q);
      assertEquals([m42?.id, m42?.name, m42?.match, m42?.catalogue], [
        "M42",
        "Orion nebula",
        "designation",
        "messier",
      ]);
      assertAlmostEquals(m42!.ra, 5.588, 0.001);
      assertAlmostEquals(m42!.dec, -5.39, 0.01);
    }
    for (const q of ["NGC 7000", "NGC7000", "ngc 7000"]) {
      assertEquals((await search(t, q))[0]?.name, "North America Nebula");
    }
    assertEquals((await search(t, "Orion Nebula"))[0]?.id, "M42");
    assertEquals((await search(t, "orion"))[0]?.id, "M42");
    const [vega] = await search(t, "Vega");
    assertEquals([vega?.designation, vega?.type, vega?.magnitude], ["alf Lyr", "star", 0.03]);
    assertAlmostEquals(vega!.ra, 18.615, 0.001);
    assertAlmostEquals(vega!.dec, 38.78, 0.01);
    assertEquals((await search(t, "IC 434"))[0]?.name, "Horsehead Nebula");
    const galaxies = await t.json<{ results: ObjectDto[] }>(
      "GET",
      "/catalog/search?q=galaxy&type=galaxy&limit=50",
    );
    assert(galaxies.results.length > 10 && galaxies.results.every((o) => o.type === "galaxy"));

    const m31 = await t.json<ObjectDto>("GET", "/catalog/objects/M31");
    assertEquals([m31.name, m31.type, m31.size_arcmin], ["Andromeda galaxy", "galaxy", 178]);
    const missing = await t.api("GET", "/catalog/objects/M111");
    assertEquals(missing.status, 404);
    assertMatch((await missing.json()).error.message, /M111/);
    for (
      const [path, field] of [
        ["/catalog/search?q=", "query.q"],
        ["/catalog/search?q=M42&limit=0", "query.limit"],
        ["/catalog/search?q=M42&type=comet", "query.type"],
        ["/catalog/tonight?min_alt=95", "query.min_alt"],
        ["/catalog/tonight?at=tomorrow", "query.at"],
      ] as const
    ) {
      const res = await t.api("GET", path);
      assertEquals(res.status, 400, path);
      assertMatch((await res.json()).error.message, new RegExp(field.replace(".", "\\.")));
    }
    const blank = await t.api("GET", "/catalog/search?q=--");
    assertEquals(blank.status, 400);
    assertMatch((await blank.json()).error.message, /query\.q: must contain a letter or a digit/);
  });
});

Deno.test("catalog API: tonight ranks M31 ahead of faint galaxies in October, no M42 in June", async () => {
  await withServer(async (t) => {
    await catalogReady(t);
    const october = await t.json<Tonight>(
      "GET",
      "/catalog/tonight?min_alt=30&type=galaxy&limit=10&at=2026-10-15T20:00:00Z",
    );
    assertEquals(october.night?.darkness, "astronomical");
    const ids = october.objects.map((o) => o.id);
    const m31 = october.objects.find((o) => o.id === "M31");
    // Ranked by what is worth imaging with the Simulators' 2.1° × 1.4° field: the 178′ galaxy
    // needs more than one field, yet it is among the first ten and ahead of every galaxy fainter
    // than 10th magnitude.
    assert(m31, `M31 is listed: ${ids}`);
    const faint = october.objects.findIndex((o) => o.magnitude === null || o.magnitude > 10);
    assert(faint === -1 || ids.indexOf("M31") < faint, `M31 ranks ${ids.indexOf("M31") + 1}`);
    assertEquals(october.field?.width_deg && Math.round(october.field.width_deg * 10), 21);
    assertEquals(m31.fits_field, false);
    assertAlmostEquals(m31.dark_hours_above, m31.minutes_above / 60, 0.01);
    assertAlmostEquals(m31.max_alt_deg, m31.peak_alt, 0.01);
    const parts = m31.score_parts;
    assertAlmostEquals(
      m31.score,
      100 * parts.visibility * parts.framing * parts.brightness * parts.moon,
      0.5,
    );
    // Above 30° the whole night, culminating at 90° − |51.48° − 41.27°| ≈ 79.8°.
    assertAlmostEquals(m31.minutes_above, october.night!.minutes, 1);
    assertAlmostEquals(m31.transit_alt, 79.8, 0.5);
    // One entry per object: NGC 224 is M31 and is not listed again.
    assert(!ids.includes("NGC224"));
    assert(october.objects.every((o) => o.type === "galaxy" && o.minutes_above > 0));
    for (let i = 1; i < october.objects.length; i++) {
      const [a, b] = [october.objects[i - 1]!, october.objects[i]!];
      assert(a.score >= b.score, `${a.id} before ${b.id}`);
    }

    // 21:00 BST on 15 June: M42 is below the horizon and does not rise in the short night.
    const june = await t.json<Tonight>(
      "GET",
      "/catalog/tonight?min_alt=30&catalogue=messier&limit=200&at=2026-06-15T20:00:00Z",
    );
    assertEquals(june.night?.darkness, "nautical");
    assert(june.objects.length > 0 && !june.objects.some((o) => o.id === "M42"));
    const december = await t.json<Tonight>(
      "GET",
      "/catalog/tonight?min_alt=20&catalogue=messier&limit=200&at=2026-12-15T21:00:00Z",
    );
    const m42 = december.objects.find((o) => o.id === "M42");
    assert(m42 && m42.alt_now > 20, `M42 in December: ${JSON.stringify(m42)}`);
  });
});

Deno.test("catalog API: 503 naming siril-common when its catalogue directory is missing", async () => {
  await withServer(async (t) => {
    const status = await catalogReady(t);
    assertEquals(status.state, "missing");
    for (const path of ["/catalog/search?q=M42", "/catalog/objects/M42", "/catalog/tonight"]) {
      const res = await t.api("GET", path);
      assertEquals(res.status, 503, path);
      assertMatch((await res.json()).error.message, /siril-common/);
    }
  }, { catalogDir: "/nonexistent/siril/catalogue" });
});
