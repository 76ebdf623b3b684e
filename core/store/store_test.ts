import assert from "node:assert/strict";
import { AppError } from "../../lib/errors.ts";
import type { FrameDto } from "../schemas/camera.ts";
import { ManualClock } from "../../lib/clock.ts";
import { type Database, openDatabase, pragma } from "./db.ts";
import { type Migration, MIGRATIONS, SchemaVersionError } from "./migrate.ts";
import { FrameRepository } from "./frames.ts";
import { ProfileRepository } from "./profiles.ts";
import { sql } from "kysely";

/** Opens a database in a fresh temporary dir, runs `fn`, and always closes and removes it. */
async function withDatabase(fn: (db: Database, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "osl_store_" });
  try {
    const db = await openDatabase(dir);
    try {
      await fn(db, dir);
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function frame(n: number, overrides: Partial<FrameDto> = {}): FrameDto {
  return {
    id: `f${String(n).padStart(3, "0")}`,
    frame_number: n,
    path: `M31/2026-01-01/M31_LIGHT_L_120s_g100_-10C_${String(n).padStart(4, "0")}.fits`,
    frame_type: "light",
    duration_s: 120,
    gain: 100,
    offset: 10,
    binning: 1,
    width: 4144,
    height: 2822,
    filter: "L",
    object: "M31",
    started_at: new Date(Date.UTC(2026, 0, 1, 22, 0, 0) + n * 130_000).toISOString(),
    sensor_temp_c: -10.1,
    bytes: 23_396_160,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    wcs: null,
    ...overrides,
  };
}

Deno.test("openDatabase: WAL, FULL sync, foreign keys; migrations run once", async () => {
  await withDatabase(async (db, dir) => {
    assert.equal(await pragma(db, "journal_mode"), "wal");
    assert.equal(await pragma(db, "synchronous"), 2);
    assert.equal(await pragma(db, "foreign_keys"), 1);
    assert.equal(await pragma(db, "busy_timeout"), 5000);
    const rows = await db.kysely.selectFrom("schema_migrations").selectAll().execute();
    assert.deepEqual(
      rows.map((r) => [r.version, r.name]),
      MIGRATIONS.map((m) => [m.version, m.name]),
    );
    await new ProfileRepository(db.kysely).ensureDefault();

    // Reopening applies nothing and keeps the data.
    const again = await openDatabase(dir);
    try {
      const after = await again.kysely.selectFrom("schema_migrations").selectAll().execute();
      assert.deepEqual(after, rows);
      assert.equal((await new ProfileRepository(again.kysely).list()).length, 1);
    } finally {
      await again.close();
    }
  });
});

Deno.test("openDatabase: a new migration applies atomically; a failing one leaves no trace", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl_store_" });
  try {
    await (await openDatabase(dir)).close();
    const broken: Migration = {
      version: MIGRATIONS.length + 1,
      name: "broken",
      async up(trx) {
        await sql`CREATE TABLE half_done (x INTEGER)`.execute(trx);
        await sql`THIS IS NOT SQL`.execute(trx);
      },
    };
    await assert.rejects(openDatabase(dir, { migrations: [...MIGRATIONS, broken] }));
    // Had "broken" left half_done behind, creating it again here would fail.
    const fine: Migration = {
      ...broken,
      name: "fine",
      up: async (trx) => void await sql`CREATE TABLE half_done (x INTEGER)`.execute(trx),
    };
    const db = await openDatabase(dir, { migrations: [...MIGRATIONS, fine] });
    try {
      const versions = await db.kysely.selectFrom("schema_migrations").select("version").execute();
      assert.deepEqual(versions.map((v) => v.version), [
        ...MIGRATIONS.map((m) => m.version),
        fine.version,
      ]);
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openDatabase: refuses a database written by a newer build", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl_store_" });
  try {
    const db = await openDatabase(dir);
    await db.kysely.insertInto("schema_migrations")
      .values({ version: 999, name: "from_the_future", applied_at: new Date().toISOString() })
      .execute();
    await db.close();
    await assert.rejects(openDatabase(dir), (err: Error) => {
      assert.ok(err instanceof SchemaVersionError);
      assert.match(err.message, /999 \(from_the_future\)/);
      assert.match(err.message, /newer OpenSkyLab/);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FrameRepository: insert, get, latest, list with cursor and type", async () => {
  await withDatabase(async (db) => {
    const frames = new FrameRepository(db.kysely, { clock: new ManualClock() });
    assert.equal(await frames.latest(), null);
    for (let n = 1; n <= 5; n++) await frames.insert(frame(n));
    await frames.insert(frame(6, { frame_type: "dark", filter: null, object: null }), "seq-1");

    assert.deepEqual(await frames.get("f002"), frame(2));
    await assert.rejects(frames.get("nope"), (e: unknown) => (e as AppError).status === 404);
    assert.equal((await frames.latest())?.id, "f006");
    assert.equal((await frames.latest({ frameType: "light" }))?.id, "f005");

    const page1 = await frames.list({ limit: 4 });
    assert.deepEqual(page1.map((f) => f.id), ["f006", "f005", "f004", "f003"]);
    const page2 = await frames.list({ limit: 4, before: page1.at(-1)?.id });
    assert.deepEqual(page2.map((f) => f.id), ["f002", "f001"]);
    const lights = await frames.list({ frameType: "light", before: "f004" });
    assert.deepEqual(lights.map((f) => f.id), ["f003", "f002", "f001"]);

    // Same start time: the id breaks the tie and the cursor still walks every row once.
    const t = frame(1).started_at;
    await frames.insert(frame(7, { started_at: t }));
    const all: string[] = [];
    let before: string | undefined;
    do {
      const page = await frames.list({ limit: 2, before });
      all.push(...page.map((f) => f.id));
      before = page.at(-1)?.id;
    } while (before !== undefined);
    assert.deepEqual(all, ["f006", "f005", "f004", "f003", "f002", "f007", "f001"]);

    const figures = { hfr: 2.31, fwhm: 4.5, stars: 412, eccentricity: 0.31 };
    await frames.setAnalysis("f003", figures);
    assert.deepEqual(await frames.get("f003"), { ...frame(3), ...figures });
  });
});

Deno.test("FrameRepository: duplicates are 409s, bad queries are refused", async () => {
  await withDatabase(async (db) => {
    const frames = new FrameRepository(db);
    await frames.insert(frame(1));
    const is409 = (err: unknown) => err instanceof AppError && err.status === 409;
    await assert.rejects(frames.insert(frame(1, { path: "other.fits" })), is409);
    await assert.rejects(frames.insert(frame(2, { path: frame(1).path })), is409);
    await assert.rejects(frames.list({ limit: 0 }), RangeError);
    await assert.rejects(
      frames.list({ before: "missing" }),
      (err: unknown) => err instanceof AppError && err.status === 404,
    );
    // Inside a caller's transaction: a failure rolls the frame row back with everything else.
    await assert.rejects(
      db.kysely.transaction().execute(async (trx) => {
        await new FrameRepository(trx).insert(frame(3));
        throw new Error("checkpoint update failed");
      }),
    );
    assert.equal((await frames.list()).some((f) => f.id === "f003"), false);
  });
});

Deno.test("ProfileRepository: ensureDefault, create, activate exclusively, delete", async () => {
  await withDatabase(async (db) => {
    const clock = new ManualClock();
    const profiles = new ProfileRepository(db.kysely, { clock });
    assert.equal(await profiles.active(), null);

    const sim = await profiles.ensureDefault();
    assert.equal(sim.name, "Simulators");
    assert.equal(sim.active, true);
    assert.equal(sim.devices.mount?.driver, "sim");
    assert.deepEqual(await profiles.ensureDefault(), sim);
    assert.equal((await profiles.list()).length, 1);

    await clock.advance(1000);
    const rig = await profiles.create({
      name: "EQ6 + 2600MM",
      site: { latitude: 45.5, longitude: 7.1 },
      optics: { focal_length_mm: 800, aperture_mm: 130 },
    });
    assert.equal(rig.active, false);
    assert.equal(rig.site.elevation, 0);
    assert.deepEqual(await profiles.get(rig.id), rig);

    await profiles.activate(rig.id);
    assert.equal((await profiles.active())?.id, rig.id);
    assert.deepEqual((await profiles.list()).map((p) => [p.name, p.active]), [
      ["Simulators", false],
      ["EQ6 + 2600MM", true],
    ]);

    const is409 = (err: unknown) => err instanceof AppError && err.status === 409;
    await assert.rejects(profiles.delete(rig.id), is409);
    await profiles.delete(sim.id);
    await assert.rejects(profiles.get(sim.id), (e: unknown) => (e as AppError).status === 404);
    await assert.rejects(profiles.activate(sim.id), (e: unknown) => (e as AppError).status === 404);

    await clock.advance(1000);
    const renamed = await profiles.update(rig.id, { ...rig, name: "EQ6R" });
    assert.equal(renamed.name, "EQ6R");
    assert.equal(renamed.active, true);
    assert.notEqual(renamed.updated_at, rig.updated_at);
    await assert.rejects(
      profiles.create({ name: "", site: rig.site, optics: rig.optics }),
      (e: unknown) => (e as AppError).status === 400,
    );
  });
});

Deno.test("ProfileRepository: the database allows one active row; bad JSON fails by id", async () => {
  await withDatabase(async (db) => {
    const clock = new ManualClock();
    const profiles = new ProfileRepository(db, { clock });
    const first = await profiles.ensureDefault();
    await clock.advance(1000); // so "oldest" below is not decided by a random id
    const second = await profiles.create({ ...first, name: "Second" });
    await assert.rejects(
      db.kysely.updateTable("profiles").set({ active: 1 }).where("id", "=", second.id).execute(),
    );
    await db.kysely.updateTable("profiles").set({ data: '{"site": {"latitude": 95}}' })
      .where("id", "=", second.id).execute();
    await assert.rejects(profiles.get(second.id), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.match(e.message, new RegExp(`Stored profile ${second.id}`));
      return true;
    });
    // No active row left (edited by hand): ensureDefault activates the oldest.
    await db.kysely.updateTable("profiles").set({ active: 0 }).execute();
    assert.equal((await profiles.ensureDefault()).id, first.id);
  });
});
