/**
 * The calibration library as the API sees it: builds masters from frames in the catalogue (files
 * under `<data dir>/calibration/`, rows in the database), lists, inspects and deletes them,
 * answers which masters match a light, and loads them for calibrating one (live stacking,
 * previews). Capture runs (capture_run.ts) end here too, by building from the frames they took.
 */
import { join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, notFound } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import { decodeFits } from "../../lib/fits/mod.ts";
import type { MonoImage } from "../imaging/image.ts";
import type { ExposureService } from "../camera/exposure_service.ts";
import type { Logger } from "../../lib/log.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type {
  BuildMasterBody,
  LightSettingsDto,
  MasterDto,
  MatchDto,
} from "../schemas/calibration.ts";
import type { CalibrationRepository, MasterListFilter } from "../store/calibration.ts";
import type { FrameRepository } from "../store/frames.ts";
import { FitsBandReader } from "./band_reader.ts";
import { buildMaster } from "./build_master.ts";
import type { CalibrationMasters } from "./calibrate.ts";
import { CaptureRunner } from "./capture_run.ts";
import { matchMasters } from "./match.ts";
import { explicitLight, masterFileName, masterType } from "./_library_rules.ts";

export const CALIBRATION_DIR = "calibration";

export interface CalibrationServiceOptions {
  repo: CalibrationRepository;
  frames: FrameRepository;
  bus: EventBus;
  clock: Pick<Clock, "now">;
  log: Logger;
  dataDir: string;
  /** Capture runs take their frames through it. */
  exposures: ExposureService;
}

/** What `match` accepts besides a frame id (query names). */
export interface MatchRequest {
  frame_id?: string;
  camera?: string;
  gain?: number;
  offset?: number;
  binning?: number;
  temp_c?: number;
  exposure_s?: number;
  filter?: string;
  tolerance_c: number;
}

export class CalibrationService {
  #o: CalibrationServiceOptions;
  /** Capture runs (one at a time) that end by building a master here. */
  readonly capture: CaptureRunner;

  constructor(options: CalibrationServiceOptions) {
    this.#o = options;
    this.capture = new CaptureRunner({
      exposures: options.exposures,
      bus: options.bus,
      log: options.log,
      library: this,
    });
  }

  list(filter: MasterListFilter = {}): Promise<MasterDto[]> {
    return this.#o.repo.list(filter);
  }

  get(id: string): Promise<MasterDto> {
    return this.#o.repo.get(id);
  }

  /** Absolute path of the master's FITS file (404 for an unknown id). */
  async filePath(id: string): Promise<string> {
    return join(this.#o.dataDir, (await this.get(id)).path);
  }

  /** Removes the file, then the row: a crash between leaves a row whose file is gone, not a stray file. */
  async delete(id: string): Promise<void> {
    const path = await this.filePath(id);
    await Deno.remove(path).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    await this.#o.repo.delete(id);
  }

  /** Builds a master from frames in the catalogue; `runId` links it to a capture run. */
  async build(
    body: BuildMasterBody,
    runId: string | null = null,
    signal?: AbortSignal,
  ): Promise<MasterDto> {
    const frames = await this.#framesOf(body.frame_ids);
    const type = masterType(body.type, frames);
    const id = crypto.randomUUID();
    const first = frames[0]!;
    const relativePath = join(
      CALIBRATION_DIR,
      masterFileName(type, first, this.#o.clock.now(), id),
    );
    const outPath = join(this.#o.dataDir, relativePath);
    await Deno.mkdir(join(this.#o.dataDir, CALIBRATION_DIR), { recursive: true });
    const flatCalibrator = type === "flat" ? await this.#flatCalibrator(first) : null;
    let built;
    try {
      built = await buildMaster({
        type,
        sources: frames.map((f) => ({
          label: `frame ${f.id}`,
          path: join(this.#o.dataDir, f.path),
        })),
        method: body.method,
        kappa: body.kappa,
        flatCalibrator,
        outPath,
        signal,
      });
    } catch (err) {
      if (err instanceof AppError || signal?.aborted) throw err;
      throw badRequest(
        "body.frame_ids",
        `the frames could not be combined: ${(err as Error).message}`,
      );
    }
    const s = built.settings;
    const master: MasterDto = {
      id,
      type,
      path: relativePath,
      camera: s.camera,
      gain: s.gain,
      offset: s.offset,
      binning: s.binning,
      width: s.widthPx,
      height: s.heightPx,
      temp_c: s.tempC,
      exposure_s: type === "bias" ? 0 : s.exposureS,
      filter: type === "flat" ? s.filter : null,
      date_obs: new Date(s.startedAtMs ?? Date.parse(first.started_at)).toISOString(),
      frame_count: frames.length,
      method: body.method,
      kappa: body.kappa,
      frame_ids: frames.map((f) => f.id),
      notes: built.notes,
      created_at: new Date(this.#o.clock.now()).toISOString(),
    };
    try {
      await this.#o.repo.insert(master);
    } catch (err) {
      await Deno.remove(outPath).catch(() => {});
      throw err;
    }
    this.#o.log.info("calibration master built", { id, type, frames: frames.length });
    this.#o.bus.publish("calibration.master_built", { master, run_id: runId });
    return master;
  }

  /** Which masters calibrate the light (a catalogue frame, or settings given explicitly). */
  async match(q: MatchRequest): Promise<MatchDto> {
    const light = q.frame_id !== undefined ? await this.#lightOfFrame(q) : explicitLight(q);
    return matchMasters(light, await this.#o.repo.list(), q.tolerance_c);
  }

  /** Reads the chosen masters' pixels, ready for `calibrate`. */
  async load(match: MatchDto): Promise<CalibrationMasters> {
    const read = async (m: MasterDto | null) => m === null ? null : await this.#image(m);
    return {
      bias: await read(match.bias.master),
      dark: match.dark.master === null
        ? null
        : { image: await this.#image(match.dark.master), scale: match.dark.scale },
      flat: await read(match.flat.master),
    };
  }

  async #image(m: MasterDto): Promise<MonoImage> {
    const fits = decodeFits(await Deno.readFile(join(this.#o.dataDir, m.path)));
    const pixels = fits.pixels instanceof Float32Array
      ? fits.pixels
      : Float32Array.from(fits.pixels);
    return { widthPx: fits.widthPx, heightPx: fits.heightPx, pixels };
  }

  async #framesOf(ids: string[]): Promise<FrameDto[]> {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw badRequest("body.frame_ids", `frame ${id} is listed twice`);
      seen.add(id);
    }
    const frames: FrameDto[] = [];
    for (const id of ids) frames.push(await this.#o.frames.get(id));
    for (const f of frames) {
      try {
        await Deno.stat(join(this.#o.dataDir, f.path));
      } catch {
        throw notFound(`The file of frame ${f.id} (${f.path}) is missing from the data directory`);
      }
    }
    return frames;
  }

  /** A flat is corrected by the dark-flat of its exposure, else by a bias. */
  async #flatCalibrator(
    first: FrameDto,
  ): Promise<{ pixels: Float32Array; description: string } | null> {
    const light = { ...await this.#settingsOf(first), filter: null };
    const pool = (await this.#o.repo.list()).flatMap((m) =>
      m.type === "darkflat" ? [{ ...m, type: "dark" as const }] : m.type === "bias" ? [m] : []
    );
    const match = matchMasters(light, pool, 2);
    const chosen = match.dark.master !== null && match.dark.scale === null
      ? match.dark.master
      : match.bias.master;
    if (chosen === null) return null;
    const kind = chosen.type === "bias" ? "bias" : "dark-flat";
    return {
      pixels: (await this.#image(chosen)).pixels,
      description: `${kind} master ${chosen.id}`,
    };
  }

  async #lightOfFrame(q: MatchRequest): Promise<LightSettingsDto> {
    const frame = await this.#o.frames.get(q.frame_id!);
    return await this.#settingsOf(frame);
  }

  /** The catalogue row's settings, with the camera from the file's INSTRUME (the row has none). */
  async #settingsOf(frame: FrameDto): Promise<LightSettingsDto> {
    let camera: string | null = null;
    try {
      const reader = await FitsBandReader.open(join(this.#o.dataDir, frame.path));
      const value = reader.header.get("INSTRUME");
      reader.close();
      camera = typeof value === "string" && value.trim() !== "" ? value.trim() : null;
    } catch (err) {
      this.#o.log.warn("frame header unreadable; matching without a camera", {
        frame_id: frame.id,
        error: (err as Error).message,
      });
    }
    return {
      camera,
      gain: frame.gain,
      offset: frame.offset,
      binning: frame.binning,
      width: frame.width,
      height: frame.height,
      temp_c: frame.sensor_temp_c,
      exposure_s: frame.duration_s,
      filter: frame.filter,
    };
  }
}
