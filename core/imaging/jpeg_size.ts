/**
 * The pixel size of a JPEG from its frame header, without decoding it: the preview endpoint says
 * what it rendered, whether the JPEG was just encoded or kept from earlier.
 */

/** Width and height from a JPEG's SOF0/1/2 marker; throws when there is none. */
export function jpegSize(jpeg: Uint8Array): { widthPx: number; heightPx: number } {
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) break;
    const marker = jpeg[i + 1]!;
    const length = (jpeg[i + 2]! << 8) | jpeg[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      return {
        heightPx: (jpeg[i + 5]! << 8) | jpeg[i + 6]!,
        widthPx: (jpeg[i + 7]! << 8) | jpeg[i + 8]!,
      };
    }
    i += 2 + length;
  }
  throw new Error("the encoded JPEG has no frame header");
}
