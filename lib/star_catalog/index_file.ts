/**
 * Reads the stars out of one astrometry.net index file. Such a file is FITS in layout but, in the
 * Debian "littleendian" packages, its table cells are in the machine's byte order (the primary
 * header's ENDIAN card says which), so the HDUs are walked with the FITS header code and the cells
 * are read here. The star kd-tree stores each star as a unit vector quantised to three u32 per
 * star; astrometry.net's kdtree (POINT_INVSCALE) maps a stored value back as
 * `minval[d] + value / scale`, with minval and scale in the tree's range table. The V magnitude
 * is the MAG_VT tag-along column, one float32 per star in the same order; unlike the kd-tree
 * chunks (raw memory dumps, hence ENDIAN) it is an ordinary FITS table column, so it is always
 * big-endian, as the standard says — checked against query-starkd on the Debian files.
 */
import { type FitsHdu, fitsHdus, intKey, stringKey } from "../fits/hdu.ts";

export interface IndexStars {
  count: number;
  raDeg: Float64Array;
  decDeg: Float64Array;
  magV: Float32Array;
}

const RAD_TO_DEG = 180 / Math.PI;
/** What astrometry.net writes in ENDIAN: the u32 0x01020304 as the bytes it was stored with. */
const LITTLE_ENDIAN_MARK = "04:03:02:01";
const BIG_ENDIAN_MARK = "01:02:03:04";
const TFORM_BYTES: Record<string, number> = { L: 1, B: 1, A: 1, I: 2, J: 4, K: 8, E: 4, D: 8 };

/** The star tree's pieces found among the HDUs, by the TTYPE1 astrometry.net gives each. */
interface StarTreeHdus {
  header: FitsHdu;
  range: FitsHdu;
  data: FitsHdu;
  tagAlong: { hdu: FitsHdu; columnOffset: number };
}

/** Parses an index file's bytes; `name` only labels errors. Throws Error naming the file. */
export function readIndexStars(bytes: Uint8Array, name: string): IndexStars {
  try {
    return readStars(bytes);
  } catch (err) {
    throw new Error(`astrometry.net index ${name} is unreadable: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function readStars(bytes: Uint8Array): IndexStars {
  const hdus = [...fitsHdus(bytes)];
  const primary = hdus[0];
  if (!primary) throw new Error("no primary HDU");
  const last = hdus[hdus.length - 1]!;
  if (last.dataOffset + last.dataBytes > bytes.length) {
    throw new Error(
      `file is truncated: HDU ${last.index + 1} needs ${
        last.dataOffset + last.dataBytes
      } bytes, the file has ${bytes.length}`,
    );
  }
  const endian = stringKey(primary.header, "ENDIAN");
  if (endian !== LITTLE_ENDIAN_MARK && endian !== BIG_ENDIAN_MARK) {
    throw new Error(
      `ENDIAN ${JSON.stringify(endian)} is neither ${LITTLE_ENDIAN_MARK} nor ${BIG_ENDIAN_MARK}`,
    );
  }
  const little = endian === LITTLE_ENDIAN_MARK;
  const tree = findStarTree(hdus);
  const count = intKey(tree.header.header, "KDT_NDAT");
  const dims = intKey(tree.header.header, "KDT_NDIM");
  const dataType = stringKey(tree.header.header, "KDT_DATA");
  const externalType = stringKey(tree.header.header, "KDT_EXT");
  if (dims !== 3 || dataType !== "u32" || externalType !== "double") {
    throw new Error(
      `star kd-tree is ${dims}-D ${dataType}/${externalType}; only 3-D u32/double is understood`,
    );
  }
  const stars = intKey(primary.header, "NSTARS", count);
  if (stars !== count) throw new Error(`NSTARS ${stars} differs from KDT_NDAT ${count}`);

  // minval[3], maxval[3], scale: seven doubles.
  const range = tableView(bytes, tree.range, 8, 7);
  const minval = [0, 1, 2].map((d) => range.getFloat64(d * 8, little)) as [number, number, number];
  const scale = range.getFloat64(6 * 8, little);
  if (!(scale > 0) || !minval.every(Number.isFinite)) {
    throw new Error(`star kd-tree range table is invalid (scale ${scale}, min ${minval})`);
  }
  const invScale = 1 / scale;
  const data = tableView(bytes, tree.data, 12, count);
  const mags = tableView(bytes, tree.tagAlong.hdu, null, count);
  const magRowBytes = intKey(tree.tagAlong.hdu.header, "NAXIS1");

  const raDeg = new Float64Array(count);
  const decDeg = new Float64Array(count);
  const magV = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x = minval[0] + data.getUint32(i * 12, little) * invScale;
    const y = minval[1] + data.getUint32(i * 12 + 4, little) * invScale;
    const z = minval[2] + data.getUint32(i * 12 + 8, little) * invScale;
    const ra = Math.atan2(y, x) * RAD_TO_DEG;
    raDeg[i] = ra < 0 ? ra + 360 : ra;
    // Quantisation can push |z| a hair past 1; asin would then give NaN.
    decDeg[i] = Math.asin(Math.max(-1, Math.min(1, z))) * RAD_TO_DEG;
    const mag = mags.getFloat32(i * magRowBytes + tree.tagAlong.columnOffset, false);
    if (!Number.isFinite(mag)) throw new Error(`MAG_VT of star ${i} is ${mag}`);
    magV[i] = mag;
  }
  return { count, raDeg, decDeg, magV };
}

function findStarTree(hdus: FitsHdu[]): StarTreeHdus {
  const byName = new Map<string, FitsHdu>();
  let tagAlong: StarTreeHdus["tagAlong"] | null = null;
  for (const hdu of hdus) {
    if (hdu.kind !== "BINTABLE") continue;
    const first = stringKey(hdu.header, "TTYPE1");
    if (first !== null && !byName.has(first)) byName.set(first, hdu);
    tagAlong ??= magColumn(hdu);
  }
  const need = (name: string): FitsHdu => {
    const hdu = byName.get(name);
    if (!hdu) throw new Error(`no ${name} table`);
    return hdu;
  };
  const header = need("kdtree_header_stars");
  const range = need("kdtree_range_stars");
  const data = need("kdtree_data_stars");
  if (!tagAlong) throw new Error("no MAG_VT column");
  return { header, range, data, tagAlong };
}

/** The byte offset of a float32 MAG_VT column within its table's rows, if the table has one. */
function magColumn(hdu: FitsHdu): StarTreeHdus["tagAlong"] | null {
  const fields = intKey(hdu.header, "TFIELDS", 0);
  let offset = 0;
  for (let i = 1; i <= fields; i++) {
    const form = (stringKey(hdu.header, `TFORM${i}`) ?? "").toUpperCase();
    const match = /^(\d*)([LBAIJKED])$/.exec(form);
    if (!match) return null;
    const repeat = match[1] === "" ? 1 : Number(match[1]);
    if (stringKey(hdu.header, `TTYPE${i}`)?.toUpperCase() === "MAG_VT") {
      if (form !== "E" && form !== "1E") throw new Error(`MAG_VT is ${form}, not 1E`);
      return { hdu, columnOffset: offset };
    }
    offset += repeat * TFORM_BYTES[match[2]!]!;
  }
  return null;
}

/** A DataView on a table's rows after checking its shape and that the file holds all of it. */
function tableView(
  bytes: Uint8Array,
  hdu: FitsHdu,
  rowBytes: number | null,
  rows: number,
): DataView {
  const name = stringKey(hdu.header, "TTYPE1");
  const width = intKey(hdu.header, "NAXIS1");
  const height = intKey(hdu.header, "NAXIS2");
  if ((rowBytes !== null && width !== rowBytes) || height !== rows) {
    throw new Error(
      `table ${name} is ${width}×${height} bytes×rows, expected ${rowBytes ?? "any"}×${rows}`,
    );
  }
  const end = hdu.dataOffset + width * height;
  if (end > bytes.length) {
    throw new Error(`table ${name} is truncated: needs ${end} bytes, file has ${bytes.length}`);
  }
  return new DataView(bytes.buffer, bytes.byteOffset + hdu.dataOffset, width * height);
}
