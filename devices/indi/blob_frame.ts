/**
 * Turns a CCD BLOB into the contract's 16-bit pixels. INDI cameras send `.fits` (plain) or
 * `.fits.fz` (tile-compressed, with CCD_COMPRESSION on); both go through core/imaging's reader,
 * which decodes Rice/GZIP tiles. Other formats (`.<ext>.z` zlib, native RAW/JPEG) are refused with
 * the format named: the driver asks for FITS (CCD_TRANSFER_FORMAT) so they should never come.
 */
import { decodeFits } from "../../lib/fits/mod.ts";

export interface BlobImage {
  pixels: Uint16Array;
  widthPx: number;
  heightPx: number;
}

export function decodeBlobImage(bytes: Uint8Array, format: string): BlobImage {
  const kind = format.trim().toLowerCase();
  if (kind !== ".fits" && kind !== ".fits.fz" && kind !== ".fz") {
    throw new Error(
      `INDI frame in format "${format}" is not supported: set CCD_TRANSFER_FORMAT to FITS`,
    );
  }
  const fits = decodeFits(bytes);
  if (fits.planes !== 1) {
    throw new Error(
      `INDI frame has ${fits.planes} colour planes; only mono/raw Bayer is supported`,
    );
  }
  return { pixels: toUint16(fits.pixels), widthPx: fits.widthPx, heightPx: fits.heightPx };
}

/** 16-bit unsigned as is; other depths clamped (8-bit is scaled up to use the 16-bit range). */
function toUint16(pixels: ArrayLike<number> & { length: number }): Uint16Array {
  if (pixels instanceof Uint16Array) return pixels;
  const out = new Uint16Array(pixels.length);
  const scale = pixels instanceof Uint8Array ? 257 : 1;
  for (let i = 0; i < pixels.length; i++) {
    const v = Math.round(pixels[i]! * scale);
    out[i] = v < 0 ? 0 : v > 65535 ? 65535 : v;
  }
  return out;
}
