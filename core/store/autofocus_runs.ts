/**
 * The autofocus history: one row per finished run. Temperature compensation reads the recent
 * successful runs that know their temperature (the °C → steps fit needs both figures); the rest
 * is kept so a failed run's reason survives a restart.
 */
import type { Kysely } from "kysely";
import { Database } from "./db.ts";
import type { AutofocusRunsTable, DB } from "./schema.ts";

export interface AutofocusRunRecord {
  id: string;
  startedAtMs: number;
  endedAtMs: number;
  ok: boolean;
  reason: string | null;
  temperatureC: number | null;
  filter: string | null;
  startPositionSteps: number;
  bestPositionSteps: number | null;
  hfrPx: number | null;
  rSquared: number | null;
  exposures: number;
}

export class AutofocusRunRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  async insert(run: AutofocusRunRecord): Promise<void> {
    const row: AutofocusRunsTable = {
      id: run.id,
      started_at: new Date(run.startedAtMs).toISOString(),
      ended_at: new Date(run.endedAtMs).toISOString(),
      ok: run.ok ? 1 : 0,
      reason: run.reason,
      temperature_c: run.temperatureC,
      filter: run.filter,
      start_position: run.startPositionSteps,
      best_position: run.bestPositionSteps,
      hfr_px: run.hfrPx,
      r_squared: run.rSquared,
      exposures: run.exposures,
    };
    await this.#db.insertInto("autofocus_runs").values(row).execute();
  }

  /** Newest first. */
  async recent(limit = 50): Promise<AutofocusRunRecord[]> {
    const rows = await this.#db.selectFrom("autofocus_runs").selectAll()
      .orderBy("ended_at", "desc").limit(limit).execute();
    return rows.map(toRecord);
  }

  /** Successful runs with a temperature, newest first: the samples of the °C → steps fit. */
  async calibrationSamples(
    limit = 50,
  ): Promise<{ temperatureC: number; bestPositionSteps: number }[]> {
    const rows = await this.#db.selectFrom("autofocus_runs")
      .select(["temperature_c", "best_position"])
      .where("ok", "=", 1).where("temperature_c", "is not", null)
      .where("best_position", "is not", null)
      .orderBy("ended_at", "desc").limit(limit).execute();
    return rows.map((r) => ({
      temperatureC: r.temperature_c!,
      bestPositionSteps: r.best_position!,
    }));
  }
}

function toRecord(row: AutofocusRunsTable): AutofocusRunRecord {
  return {
    id: row.id,
    startedAtMs: Date.parse(row.started_at),
    endedAtMs: Date.parse(row.ended_at),
    ok: row.ok === 1,
    reason: row.reason,
    temperatureC: row.temperature_c,
    filter: row.filter,
    startPositionSteps: row.start_position,
    bestPositionSteps: row.best_position,
    hfrPx: row.hfr_px,
    rSquared: row.r_squared,
    exposures: row.exposures,
  };
}
