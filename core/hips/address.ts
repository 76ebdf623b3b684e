/**
 * HiPS file addresses: the IVOA HiPS 1.0 layout of a survey's files under its root. A tile of
 * order k and NESTED cell n is `Norder{k}/Dir{d}/Npix{n}.{ext}` with d = ⌊n / 10000⌋ × 10000 (so
 * no directory holds more than 10 000 tiles); the all-sky preview of order k is
 * `Norder{k}/Allsky.{ext}`; `properties`, `Metadata.xml`, `Moc.fits` sit at the root. Requests
 * are checked here against that rule, so a wrong Dir or a cell beyond 12·4^k is a 400 naming
 * the path segment, and the relative path built from the parts is the only one used on disk.
 */
import { badRequest } from "../../lib/errors.ts";
import type { TileFormat } from "../schemas/hips.ts";

/** The deepest order accepted in a path (HiPS allows 29; ours and every survey stop far before). */
export const MAX_TILE_ORDER = 24;

export const CONTENT_TYPES: Record<TileFormat | "properties" | "xml" | "fits", string> = {
  jpg: "image/jpeg",
  png: "image/png",
  fits: "application/fits",
  tsv: "text/tab-separated-values; charset=utf-8",
  properties: "text/plain; charset=utf-8",
  xml: "text/xml; charset=utf-8",
};

export interface TileAddress {
  order: number;
  npix: number;
  format: TileFormat;
  /** Relative to the survey root, e.g. "Norder3/Dir0/Npix12.jpg". */
  path: string;
}

export function dirOf(npix: number): number {
  return Math.floor(npix / 10000) * 10000;
}

export function tilePath(order: number, npix: number, format: TileFormat): string {
  return `Norder${order}/Dir${dirOf(npix)}/Npix${npix}.${format}`;
}

export function allskyPath(order: number, format: TileFormat): string {
  return `Norder${order}/Allsky.${format}`;
}

/** Parses `Norder{k}`: the order, or a 400 naming `path.norder`. */
export function parseOrder(segment: string): number {
  const order = Number(segment.slice("Norder".length));
  if (!/^Norder\d{1,2}$/.test(segment) || order > MAX_TILE_ORDER) {
    throw badRequest("path.norder", `expected Norder0 … Norder${MAX_TILE_ORDER}, got "${segment}"`);
  }
  return order;
}

/** The tile a path's Norder/Dir/Npix segments name, checked against the layout rule. */
export function parseTile(norder: string, dir: string, tile: string): TileAddress {
  const order = parseOrder(norder);
  const match = /^Npix(\d{1,16})\.(jpg|png|fits|tsv)$/.exec(tile);
  if (!match) {
    throw badRequest("path.tile", `expected Npix{n}.jpg, .png, .fits or .tsv, got "${tile}"`);
  }
  const npix = Number(match[1]);
  const format = match[2] as TileFormat;
  const cells = 12 * 4 ** order;
  if (npix >= cells) {
    throw badRequest("path.tile", `order ${order} has cells 0 … ${cells - 1}, got ${npix}`);
  }
  if (dir !== `Dir${dirOf(npix)}`) {
    throw badRequest(
      "path.dir",
      `Npix${npix} lives in Dir${dirOf(npix)} (⌊n/10000⌋×10000), got "${dir}"`,
    );
  }
  return { order, npix, format, path: tilePath(order, npix, format) };
}
