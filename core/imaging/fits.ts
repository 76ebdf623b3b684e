/**
 * FITS for OpenSkyLab: the one import for code that writes or reads frames. Cards and their
 * formatting live in fits_header.ts, the 16-bit writer in fits_write.ts, the primary-HDU reader
 * in fits_read.ts; this module only gathers them so callers need not know the split.
 */
export {
  BLOCK_BYTES,
  CARD_CHARS,
  type FitsCard,
  type FitsValue,
  formatCard,
} from "./fits_header.ts";
export { encodeFits, type FitsImage16 } from "./fits_write.ts";
export { type DecodedFits, decodeFits, type FitsPixels } from "./fits_read.ts";
