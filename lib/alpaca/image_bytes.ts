/**
 * The Alpaca ImageBytes format (API reference, "ImageBytes"): a 44-byte header of eleven
 * little-endian int32 followed by the pixels, x outer then y (then plane). Our frames are
 * row-major 16-bit, so encoding transposes into x-major UInt16 and decoding transposes back; the
 * element type codes let a client accept any integer transmission type a foreign server sends.
 */

export const IMAGE_BYTES_MIME = "application/imagebytes";
export const IMAGE_BYTES_HEADER_BYTES = 44;
export const IMAGE_BYTES_METADATA_VERSION = 1;

/** ImageArrayElementTypes. */
export const ELEMENT = {
  unknown: 0,
  int16: 1,
  int32: 2,
  double: 3,
  single: 4,
  uint64: 5,
  byte: 6,
  int64: 7,
  uint16: 8,
  uint32: 9,
} as const;

export interface ImageBytesHeader {
  metadataVersion: number;
  errorNumber: number;
  clientTransactionId: number;
  serverTransactionId: number;
  dataStart: number;
  imageElementType: number;
  transmissionElementType: number;
  rank: number;
  dim1: number;
  dim2: number;
  dim3: number;
}

/** A 2-D frame as ImageBytes: Int32 image elements carried as UInt16. */
export function encodeImageBytes(
  pixels: Uint16Array,
  widthPx: number,
  heightPx: number,
  ids: { clientTransactionId: number; serverTransactionId: number },
): Uint8Array<ArrayBuffer> {
  if (pixels.length !== widthPx * heightPx) {
    throw new RangeError(`pixels has ${pixels.length} samples, expected ${widthPx}×${heightPx}`);
  }
  const out = new Uint8Array(IMAGE_BYTES_HEADER_BYTES + pixels.length * 2);
  writeHeader(out, {
    metadataVersion: IMAGE_BYTES_METADATA_VERSION,
    errorNumber: 0,
    clientTransactionId: ids.clientTransactionId,
    serverTransactionId: ids.serverTransactionId,
    dataStart: IMAGE_BYTES_HEADER_BYTES,
    imageElementType: ELEMENT.int32,
    transmissionElementType: ELEMENT.uint16,
    rank: 2,
    dim1: widthPx,
    dim2: heightPx,
    dim3: 0,
  });
  const view = new DataView(out.buffer);
  let offset = IMAGE_BYTES_HEADER_BYTES;
  for (let x = 0; x < widthPx; x++) {
    for (let y = 0; y < heightPx; y++) {
      view.setUint16(offset, pixels[y * widthPx + x]!, true);
      offset += 2;
    }
  }
  return out;
}

/** An ImageBytes error answer: the header, then the UTF-8 message at DataStart. */
export function encodeImageBytesError(
  errorNumber: number,
  message: string,
  ids: { clientTransactionId: number; serverTransactionId: number },
): Uint8Array<ArrayBuffer> {
  const text = new TextEncoder().encode(message);
  const out = new Uint8Array(IMAGE_BYTES_HEADER_BYTES + text.length);
  writeHeader(out, {
    metadataVersion: IMAGE_BYTES_METADATA_VERSION,
    errorNumber,
    ...ids,
    dataStart: IMAGE_BYTES_HEADER_BYTES,
    imageElementType: ELEMENT.unknown,
    transmissionElementType: ELEMENT.unknown,
    rank: 0,
    dim1: 0,
    dim2: 0,
    dim3: 0,
  });
  out.set(text, IMAGE_BYTES_HEADER_BYTES);
  return out;
}

export function readImageBytesHeader(bytes: Uint8Array): ImageBytesHeader {
  if (bytes.length < IMAGE_BYTES_HEADER_BYTES) {
    throw new RangeError(`ImageBytes answer of ${bytes.length} bytes is shorter than its header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, IMAGE_BYTES_HEADER_BYTES);
  const at = (i: number) => view.getInt32(i * 4, true);
  return {
    metadataVersion: at(0),
    errorNumber: at(1),
    clientTransactionId: at(2),
    serverTransactionId: at(3),
    dataStart: at(4),
    imageElementType: at(5),
    transmissionElementType: at(6),
    rank: at(7),
    dim1: at(8),
    dim2: at(9),
    dim3: at(10),
  };
}

/** The message of an ImageBytes error answer. */
export function imageBytesErrorMessage(bytes: Uint8Array, header: ImageBytesHeader): string {
  return new TextDecoder().decode(bytes.subarray(header.dataStart));
}

/**
 * A 2-D ImageBytes body back to a row-major 16-bit frame. Integer transmission types are
 * accepted; values outside 0..65535 are clamped (a 32-bit camera does not fit our frames).
 */
export function decodeImageBytes(
  bytes: Uint8Array,
): { header: ImageBytesHeader; pixels: Uint16Array; widthPx: number; heightPx: number } {
  const header = readImageBytesHeader(bytes);
  if (header.metadataVersion !== IMAGE_BYTES_METADATA_VERSION) {
    throw new RangeError(`ImageBytes metadata version ${header.metadataVersion} is not 1`);
  }
  if (header.rank !== 2) {
    throw new RangeError(`ImageBytes rank ${header.rank}: only 2 is supported`);
  }
  const widthPx = header.dim1;
  const heightPx = header.dim2;
  const count = widthPx * heightPx;
  const size = ELEMENT_BYTES[header.transmissionElementType];
  if (size === undefined) {
    throw new RangeError(`ImageBytes transmission type ${header.transmissionElementType}`);
  }
  if (bytes.length - header.dataStart < count * size) {
    throw new RangeError(`ImageBytes body holds fewer than ${widthPx}×${heightPx} elements`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataStart, count * size);
  const read = READERS[header.transmissionElementType]!;
  const pixels = new Uint16Array(count);
  let i = 0;
  for (let x = 0; x < widthPx; x++) {
    for (let y = 0; y < heightPx; y++) {
      const value = read(view, i * size);
      pixels[y * widthPx + x] = value < 0 ? 0 : value > 65535 ? 65535 : value;
      i++;
    }
  }
  return { header, pixels, widthPx, heightPx };
}

const ELEMENT_BYTES: Record<number, number> = { 1: 2, 2: 4, 6: 1, 8: 2, 9: 4 };
const READERS: Record<number, (view: DataView, offset: number) => number> = {
  1: (v, o) => v.getInt16(o, true),
  2: (v, o) => v.getInt32(o, true),
  6: (v, o) => v.getUint8(o),
  8: (v, o) => v.getUint16(o, true),
  9: (v, o) => v.getUint32(o, true),
};

function writeHeader(out: Uint8Array, header: ImageBytesHeader): void {
  const view = new DataView(out.buffer, out.byteOffset, IMAGE_BYTES_HEADER_BYTES);
  const fields = [
    header.metadataVersion,
    header.errorNumber,
    header.clientTransactionId,
    header.serverTransactionId,
    header.dataStart,
    header.imageElementType,
    header.transmissionElementType,
    header.rank,
    header.dim1,
    header.dim2,
    header.dim3,
  ];
  fields.forEach((value, i) => view.setInt32(i * 4, value, true));
}
