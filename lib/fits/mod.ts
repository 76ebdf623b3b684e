/**
 * FITS for OpenSkyLab: the one import for code that writes or reads frames. Cards and their
 * formatting live in fits_header.ts, the fast 16-bit frame writer in fits_write.ts, the writer
 * for every BITPIX and colour cubes in fits_write_image.ts, the HDU walk in fits_hdu.ts, the
 * reader (first image of any HDU, tile-compressed `.fits.fz` included) in fits_read.ts; this
 * module only gathers them so callers need not know the split.
 */
export { BLOCK_BYTES, CARD_CHARS, type FitsCard, type FitsValue, formatCard } from "./header.ts";
export { encodeFits, type FitsImage16 } from "./write.ts";
export { type DecodedFits, decodeFits, type FitsPixels } from "./read.ts";
export {
  encodeFitsImage,
  type FitsBitpix,
  type FitsEncodeOptions,
  type FitsImageData,
} from "./write_image.ts";
export { type FitsHdu, fitsHdus } from "./hdu.ts";
