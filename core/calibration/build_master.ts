/**
 * Builds one master from a run of raw frames: every frame is opened, checked to share the
 * master's settings, then read a band of rows at a time and combined pixel by pixel (sigma-
 * clipped median or mean). Memory is one band per frame plus the output image, so the frame
 * count is bounded only by open files, not RAM (the master itself, one frame of Float32, and
 * its encoded file are the fixed part). A flat is corrected by its dark-flat (or bias)
 * master and normalised to median 1; the result is written durably as a 32-bit float FITS file
 * whose header carries the metadata the database row repeats.
 */
import { writeFitsFileDurably } from "../../lib/durable_write.ts";
import type { FitsCard } from "../../lib/fits/header.ts";
import { encodeFitsImage } from "../../lib/fits/write_image.ts";
import { fitsDate } from "../imaging/frame_header.ts";
import type { CombineMethod, MasterType } from "../schemas/calibration.ts";
import { FitsBandReader } from "./band_reader.ts";
import { combineBand, medianOf } from "./combine.ts";
import { type CommonSettings, commonSettings, settingsFromHeader } from "./frame_settings.ts";

/** Default bytes of band data across all frames: ~64 MB whatever the frame count. */
export const BAND_BUDGET_BYTES = 64 * 1024 * 1024;

export interface MasterSource {
  /** Names the frame in messages (its catalogue id). */
  label: string;
  /** Absolute path of the FITS file. */
  path: string;
}

export interface BuildMasterInput {
  type: MasterType;
  sources: MasterSource[];
  method: CombineMethod;
  kappa: number;
  /** For a flat: the dark-flat or bias master subtracted before normalising. */
  flatCalibrator?: { pixels: Float32Array; description: string } | null;
  /** Where the master is written (durably). */
  outPath: string;
  bandBudgetBytes?: number;
  /** Checked between bands, so an abort stops a long build promptly. */
  signal?: AbortSignal;
}

export interface BuiltMaster {
  settings: CommonSettings;
  /** Rows per band actually used. */
  bandRows: number;
  notes: string | null;
  /** The flat's median before normalising (ADU); null for other types. */
  flatMedianAdu: number | null;
}

export async function buildMaster(input: BuildMasterInput): Promise<BuiltMaster> {
  const readers: FitsBandReader[] = [];
  try {
    for (const source of input.sources) {
      const reader = await FitsBandReader.open(source.path);
      readers.push(reader);
    }
    const settings = commonSettings(
      input.type,
      readers.map((r, i) =>
        settingsFromHeader(input.sources[i]!.label, r.header, r.widthPx, r.heightPx)
      ),
    );
    const { widthPx, heightPx } = settings;
    const budget = input.bandBudgetBytes ?? BAND_BUDGET_BYTES;
    const bandRows = Math.max(
      1,
      Math.min(heightPx, Math.floor(budget / (readers.length * widthPx * 4))),
    );
    const bands = readers.map(() => new Float32Array(bandRows * widthPx));
    const out = new Float32Array(widthPx * heightPx);
    const options = { method: input.method, kappa: input.kappa };
    for (let row = 0; row < heightPx; row += bandRows) {
      input.signal?.throwIfAborted();
      const rows = Math.min(bandRows, heightPx - row);
      const n = rows * widthPx;
      await Promise.all(readers.map((r, k) => r.readRows(row, rows, bands[k]!)));
      combineBand(
        bands.map((b) => b.subarray(0, n)),
        out.subarray(row * widthPx, row * widthPx + n),
        options,
      );
    }
    let notes: string | null = null;
    let flatMedianAdu: number | null = null;
    if (input.type === "flat") {
      const calibrator = input.flatCalibrator ?? null;
      if (calibrator) {
        if (calibrator.pixels.length !== out.length) {
          throw new RangeError(
            `the flat's calibrator has ${calibrator.pixels.length} pixels, the flat ${out.length}`,
          );
        }
        for (let i = 0; i < out.length; i++) out[i] = out[i]! - calibrator.pixels[i]!;
        notes = `corrected by ${calibrator.description}, then normalised to median 1`;
      } else {
        notes = "no dark-flat or bias master matched: normalised without correction";
      }
      flatMedianAdu = medianOf(out);
      if (!(flatMedianAdu > 0)) {
        throw new RangeError(
          `the flat's median after correction is ${flatMedianAdu} ADU; it cannot be normalised`,
        );
      }
      const scale = 1 / flatMedianAdu;
      for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
    }
    input.signal?.throwIfAborted();
    const cards = masterCards(input, settings, notes);
    await writeFitsFileDurably(
      input.outPath,
      encodeFitsImage({ pixels: out, widthPx, heightPx }, { bitpix: -32, cards }),
    );
    return { settings, bandRows, notes, flatMedianAdu };
  } finally {
    for (const r of readers) r.close();
  }
}

const IMAGETYP: Record<MasterType, string> = {
  bias: "Master Bias",
  dark: "Master Dark",
  flat: "Master Flat",
  darkflat: "Master Dark Flat",
};

function masterCards(input: BuildMasterInput, s: CommonSettings, notes: string | null): FitsCard[] {
  const cards: FitsCard[] = [
    { key: "IMAGETYP", value: IMAGETYP[input.type], comment: "type of frame" },
    { key: "CALTYPE", value: input.type, comment: "OpenSkyLab master type" },
    { key: "EXPTIME", value: s.exposureS, real: true, comment: "exposure time, s" },
    { key: "XBINNING", value: s.binning, comment: "binning factor in x" },
    { key: "YBINNING", value: s.binning, comment: "binning factor in y" },
    { key: "GAIN", value: s.gain, comment: "sensor gain setting" },
    { key: "OFFSET", value: s.offset, comment: "sensor offset setting" },
    { key: "NCOMBINE", value: input.sources.length, comment: "number of frames combined" },
    { key: "COMBMETH", value: `sigma-clipped ${input.method}`, comment: "combination" },
    { key: "CLIPSIG", value: input.kappa, real: true, comment: "clipping threshold, sigma" },
  ];
  if (s.startedAtMs !== null) {
    cards.push({
      key: "DATE-OBS",
      value: fitsDate(s.startedAtMs),
      comment: "UTC start of first frame",
    });
  }
  if (s.tempC !== null) {
    cards.push({
      key: "CCD-TEMP",
      value: s.tempC,
      real: true,
      comment: "mean sensor temperature, C",
    });
  }
  if (s.filter !== null) cards.push({ key: "FILTER", value: s.filter, comment: "filter" });
  if (s.camera !== null) cards.push({ key: "INSTRUME", value: s.camera, comment: "camera" });
  // HISTORY holds 72 printable characters a card: the note is wrapped, never cut.
  const ascii = (notes ?? "").replace(/[^\x20-\x7e]/g, "?");
  for (let i = 0; i < ascii.length; i += 72) {
    cards.push({ key: "HISTORY", value: ascii.slice(i, i + 72) });
  }
  cards.push({ key: "SWCREATE", value: "OpenSkyLab", comment: "software that created this file" });
  return cards;
}
