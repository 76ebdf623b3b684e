/**
 * The box's first boot, step by step, for `/health` and `/system` (`first_boot`). The image's
 * root-side script (image/stage-openskylab/02-system/files/first-boot) writes
 * `<data dir>/first_boot.json` with its steps (hostname, boot-partition presets) before the app
 * starts; the app adds its own (config and token, database, catalogue import, API) and, once every
 * step has ended, marks the record done and writes it back, so later starts report the first boot
 * as it was. A source run without the image simply has no root-side steps.
 */
import { join } from "node:path";
import { z } from "zod";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import { type FirstBootStatus, FirstBootStepDto } from "../schemas/system.ts";

export const FIRST_BOOT_FILE = "first_boot.json";

type Step = z.infer<typeof FirstBootStepDto>;
type StepState = Step["state"];

const RecordSchema = z.looseObject({
  steps: z.array(FirstBootStepDto),
  system_done_ms: z.number().optional(),
  app_done_ms: z.number().optional(),
});

const ENDED: readonly StepState[] = ["done", "skipped", "failed"];

export class FirstBoot {
  readonly #path: string;
  readonly #clock: Pick<Clock, "now">;
  readonly #log: Logger;
  #record: z.infer<typeof RecordSchema>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    path: string,
    record: z.infer<typeof RecordSchema>,
    clock: Clock,
    log: Logger,
  ) {
    this.#path = path;
    this.#record = record;
    this.#clock = clock;
    this.#log = log;
  }

  /** Reads the record in `dataDir` (none yet, or a broken one, starts an empty record). */
  static async load(dataDir: string, clock: Clock, log: Logger): Promise<FirstBoot> {
    const path = join(dataDir, FIRST_BOOT_FILE);
    let record: z.infer<typeof RecordSchema> = { steps: [] };
    try {
      const parsed = RecordSchema.safeParse(JSON.parse(await Deno.readTextFile(path)));
      if (parsed.success) record = parsed.data;
      else log.warn("first_boot.json is not a first-boot record; starting a new one", { path });
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        log.warn("first_boot.json could not be read; starting a new one", { path, err: `${err}` });
      }
    }
    return new FirstBoot(path, record, clock, log);
  }

  get done(): boolean {
    return this.#record.app_done_ms !== undefined;
  }

  /** Adds this start's own steps as pending; a finished first boot is left as it was. */
  begin(names: readonly string[]): void {
    if (this.done) return;
    for (const name of names) {
      if (!this.#record.steps.some((s) => s.name === name)) {
        this.#record.steps.push({ name, state: "pending" });
      }
    }
  }

  /** Records a step's state; the last step to end marks the first boot done and saves it. */
  update(name: string, state: StepState, detail?: string): void {
    if (this.done) return;
    const step = this.#record.steps.find((s) => s.name === name);
    if (!step) throw new RangeError(`first boot has no step "${name}"`);
    step.state = state;
    if (detail !== undefined) step.detail = detail;
    else delete step.detail;
    if (this.#record.steps.every((s) => ENDED.includes(s.state))) {
      this.#record.app_done_ms = this.#clock.now();
      this.#log.info("first boot done", { steps: this.#record.steps.length });
      this.#writing = this.#writing.then(() => this.#save());
    }
  }

  status(): FirstBootStatus {
    return { done: this.done, steps: this.#record.steps.map((s) => ({ ...s })) };
  }

  /** Waits for the record to be on disk (shutdown, tests). */
  async flush(): Promise<void> {
    await this.#writing;
  }

  async #save(): Promise<void> {
    const tmp = `${this.#path}.tmp`;
    try {
      const file = await Deno.open(tmp, { write: true, create: true, truncate: true, mode: 0o640 });
      try {
        const bytes = new TextEncoder().encode(JSON.stringify(this.#record) + "\n");
        for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
        await file.sync();
      } finally {
        file.close();
      }
      await Deno.rename(tmp, this.#path);
    } catch (err) {
      this.#log.warn("could not save the first-boot record", { path: this.#path, err: `${err}` });
    }
  }
}
