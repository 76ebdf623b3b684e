/**
 * `openskylab solve FILE.fits [--ra HOURS --dec DEG] [--pixel-scale ARCSEC] [--timeout S] [--json]`:
 * the box's plate solver from the shell — ASTAP, then astrometry.net — on any FITS file the user
 * can read (the shell user is trusted, so the file's own folder is the allowed root). The pixel
 * scale comes from the flag, else the header (FOCALLEN with XPIXSZ, binning included).
 */
import { dirname, resolve } from "node:path";
import { systemClock } from "../lib/clock.ts";
import { AppError } from "../lib/errors.ts";
import { EventBus } from "../core/event_bus.ts";
import { silentLogger } from "../lib/log.ts";
import { toSolveResultDto } from "../core/schemas/solver.ts";
import { checkImagePath } from "../core/solver/image_path.ts";
import { SolverService } from "../core/solver/solver_service.ts";

const USAGE = "usage: openskylab solve FILE.fits [--ra HOURS --dec DEG] [--pixel-scale ARCSEC] " +
  "[--timeout S] [--json]";

interface Parsed {
  file: string;
  raHours?: number;
  decDeg?: number;
  pixelScaleArcsec: number | null;
  timeoutS: number;
  json: boolean;
}

export function parseSolveArgs(args: string[]): Parsed | string {
  let file: string | undefined;
  const p: Omit<Parsed, "file"> = { pixelScaleArcsec: null, timeoutS: 120, json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = Number(args[++i]);
      if (args[i] === undefined || !Number.isFinite(v)) throw `${a} needs a number`;
      return v;
    };
    try {
      if (a === "--json") p.json = true;
      else if (a === "--ra") p.raHours = value();
      else if (a === "--dec") p.decDeg = value();
      else if (a === "--pixel-scale") p.pixelScaleArcsec = value();
      else if (a === "--timeout") p.timeoutS = value();
      else if (a.startsWith("-")) return `unknown option ${a}`;
      else if (file === undefined) file = a;
      else return `only one FILE, got ${file} and ${a}`;
    } catch (reason) {
      return String(reason);
    }
  }
  if (file === undefined) return "FILE.fits is required";
  if ((p.raHours === undefined) !== (p.decDeg === undefined)) return "give both --ra and --dec";
  if (p.raHours !== undefined && !(p.raHours >= 0 && p.raHours < 24)) {
    return "--ra is hours [0, 24)";
  }
  if (p.decDeg !== undefined && !(Math.abs(p.decDeg) <= 90)) return "--dec is degrees [-90, 90]";
  if (!(p.timeoutS > 0)) return "--timeout must be positive";
  if (p.pixelScaleArcsec !== null && !(p.pixelScaleArcsec > 0)) {
    return "--pixel-scale must be positive";
  }
  return { file, ...p };
}

export async function solveCommand(args: string[]): Promise<number> {
  const parsed = parseSolveArgs(args);
  if (typeof parsed === "string") {
    console.error(`openskylab solve: ${parsed}\n${USAGE}`);
    return 2;
  }
  const path = resolve(parsed.file);
  let root: string;
  try {
    root = dirname(await Deno.realPath(path));
  } catch {
    console.error(`openskylab solve: cannot read ${parsed.file}: no such file`);
    return 1;
  }
  let headerScale: number | null = null;
  try {
    headerScale = await headerScaleOf(root, path);
  } catch (err) {
    console.error(
      `openskylab solve: ${
        err instanceof AppError ? err.message.replace(/^body\.image_path: /, "") : err
      }`,
    );
    return 1;
  }
  const bus = new EventBus({ clock: systemClock });
  const solver = new SolverService({
    bus,
    clock: systemClock,
    log: silentLogger,
    dataDir: root,
    // The service multiplies by the binning; the flag and the header already include it.
    pixelScaleArcsec: () => parsed.pixelScaleArcsec ?? headerScale,
    fieldWidthArcmin: () => null,
    timeoutMs: parsed.timeoutS * 1000,
    concurrency: 1,
    searchRadiusDeg: 15,
  });
  // Ctrl-C kills the solver's children instead of orphaning them.
  const onSigint = () => void solver.close();
  Deno.addSignalListener("SIGINT", onSigint);
  try {
    const job = await solver.submit(path, { raHours: parsed.raHours, decDeg: parsed.decDeg });
    const done = await solver.wait(job.id);
    if (!done) throw new Error("the job vanished");
    const dto = { ...toSolveResultDto(done), image_path: path };
    if (parsed.json) console.log(JSON.stringify(dto, null, 2));
    else console.log(table(dto));
    return done.status === "solved" ? 0 : 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSigint);
    await solver.close();
  }
}

/** Header scale per binned pixel divided by the binning, as the service wants it unbinned. */
async function headerScaleOf(root: string, path: string): Promise<number | null> {
  const image = await checkImagePath(root, path);
  const bytes = new Uint8Array(2880 * 8);
  using f = await Deno.open(image.path);
  const n = (await f.read(bytes)) ?? 0;
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, n));
  const card = (key: string) => {
    const m = new RegExp(`^${key.padEnd(8)}= *([-+0-9.eE]+)`, "m").exec(
      text.replace(/(.{80})/g, "$1\n"),
    );
    const v = m ? Number(m[1]) : NaN;
    return v > 0 ? v : null;
  };
  const pixelUm = card("XPIXSZ");
  const focalMm = card("FOCALLEN");
  if (pixelUm === null || focalMm === null) return null;
  return 206.264806 * pixelUm / focalMm / image.binning;
}

function table(r: ReturnType<typeof toSolveResultDto>): string {
  if (r.status !== "solved") return `${r.image_path}: not solved — ${r.error}`;
  const f = (v: number | null, digits: number) => v === null ? "—" : v.toFixed(digits);
  return [
    `file            ${r.image_path}`,
    `solver          ${r.solver}`,
    `RA (J2000)      ${f(r.ra, 6)} h  (${f(r.ra === null ? null : r.ra * 15, 5)}°)`,
    `Dec (J2000)     ${f(r.dec, 5)}°`,
    `position angle  ${f(r.position_angle, 2)}° E of N${r.mirrored ? " (mirrored)" : ""}`,
    `pixel scale     ${f(r.pixel_scale, 3)}″/px`,
    `field           ${f(r.field_width, 3)}° × ${f(r.field_height, 3)}°`,
    `time            ${f(r.duration_ms === null ? null : r.duration_ms / 1000, 2)} s`,
  ].join("\n");
}
