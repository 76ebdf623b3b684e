/**
 * The live stack on disk: the accumulator as one 32-bit float FITS cube — the mean planes first
 * (so any FITS viewer shows the stack as plane 1, or planes 1–3 for colour), then Welford's M2
 * planes, then the per-pixel counts (exact in Float32 up to 2^24) — with PLANEn cards naming each
 * plane. Chunks are byte-swapped a megabyte at a time so writing a 24-megapixel stack never holds
 * the event loop for long, and the reader checks the cube's shape against what it claims.
 */
import { decodeFits } from "../../../lib/fits/read.ts";
import { BLOCK_BYTES, CARD_CHARS, type FitsCard, formatCard } from "../../../lib/fits/header.ts";
import type { AccumulatorState } from "./accumulator.ts";

const CHUNK_SAMPLES = 256 * 1024;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function planeNames(planes: number): string[] {
  const channels = planes === 1 ? ["L"] : ["R", "G", "B"];
  return ["MEAN", "M2", "COUNT"].flatMap((kind) => channels.map((c) => `${kind} ${c}`));
}

function encodeHeader(cards: FitsCard[]): Uint8Array {
  const records = cards.flatMap(formatCard);
  records.push("END".padEnd(CARD_CHARS));
  const bytes = new Uint8Array(Math.ceil(records.length * CARD_CHARS / BLOCK_BYTES) * BLOCK_BYTES)
    .fill(0x20);
  records.forEach((record, r) => {
    for (let i = 0; i < CARD_CHARS; i++) bytes[r * CARD_CHARS + i] = record.charCodeAt(i);
  });
  return bytes;
}

/** The FITS file of an accumulator, as chunks for a durable writer. */
export function* encodeStackChunks(state: AccumulatorState, extra: FitsCard[] = []) {
  const planes = state.mean.length;
  const names = planeNames(planes);
  yield encodeHeader([
    { key: "SIMPLE", value: true, comment: "conforms to the FITS standard" },
    { key: "BITPIX", value: -32, comment: "IEEE 32-bit floating point" },
    { key: "NAXIS", value: 3 },
    { key: "NAXIS1", value: state.widthPx, comment: "width, pixels" },
    { key: "NAXIS2", value: state.heightPx, comment: "height, pixels" },
    { key: "NAXIS3", value: names.length, comment: "mean, M2 and count planes" },
    { key: "STACKCNT", value: state.frames, comment: "frames stacked" },
    ...names.map((name, i) => ({ key: `PLANE${i + 1}`, value: name })),
    ...extra,
  ]);
  const buffer = new Uint8Array(CHUNK_SAMPLES * 4);
  const words = new Uint32Array(buffer.buffer);
  const view = new DataView(buffer.buffer);
  const scratch = new Float32Array(CHUNK_SAMPLES);
  const scratchWords = new Uint32Array(scratch.buffer);
  const sources: ArrayLike<number>[] = [...state.mean, ...state.m2, ...state.count];
  let total = 0;
  for (const plane of sources) {
    for (let start = 0; start < plane.length; start += CHUNK_SAMPLES) {
      const n = Math.min(CHUNK_SAMPLES, plane.length - start);
      for (let i = 0; i < n; i++) scratch[i] = plane[start + i]!;
      if (LITTLE_ENDIAN) {
        for (let i = 0; i < n; i++) {
          const w = scratchWords[i]!;
          words[i] = (w >>> 24) | ((w >>> 8) & 0xff00) | ((w << 8) & 0xff0000) | (w << 24);
        }
      } else {
        for (let i = 0; i < n; i++) view.setFloat32(i * 4, scratch[i]!);
      }
      total += n * 4;
      // A copy, so the writer may hold this chunk while the next one is encoded.
      yield buffer.slice(0, n * 4);
    }
  }
  const padding = (BLOCK_BYTES - (total % BLOCK_BYTES)) % BLOCK_BYTES;
  if (padding > 0) yield new Uint8Array(padding);
}

/** Reads a stack file back; Error with the reason when it is not one of ours or is damaged. */
export function decodeStack(bytes: Uint8Array): AccumulatorState {
  const fits = decodeFits(bytes);
  if (fits.bitpix !== -32 || !(fits.pixels instanceof Float32Array)) {
    throw new Error(`stack file has BITPIX ${fits.bitpix}, expected -32`);
  }
  if (fits.planes !== 3 && fits.planes !== 9) {
    throw new Error(`stack file has ${fits.planes} planes, expected 3 (mono) or 9 (colour)`);
  }
  const planes = fits.planes / 3;
  const names = planeNames(planes);
  names.forEach((name, i) => {
    const card = fits.header.get(`PLANE${i + 1}`);
    if (card !== name) throw new Error(`stack file plane ${i + 1} is ${card}, expected ${name}`);
  });
  const frames = fits.header.get("STACKCNT");
  if (typeof frames !== "number" || !Number.isInteger(frames) || frames < 0) {
    throw new Error(`stack file STACKCNT is ${frames}, expected a count of frames`);
  }
  const n = fits.widthPx * fits.heightPx;
  // Copies, so each plane owns its buffer (it may be transferred to a worker on its own).
  const plane = (k: number) => (fits.pixels as Float32Array).slice(k * n, (k + 1) * n);
  const range = (from: number) => Array.from({ length: planes }, (_, c) => plane(from + c));
  return {
    widthPx: fits.widthPx,
    heightPx: fits.heightPx,
    mean: range(0),
    m2: range(planes),
    count: range(2 * planes).map((p) => Uint16Array.from(p)),
    frames,
  };
}
