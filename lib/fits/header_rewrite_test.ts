/**
 * The header rewrite: records kept verbatim, cards added before END, the header grown to a
 * further 2880-byte block when it must, every byte after the header (data and an extension) the
 * same, the new size returned — and a previous solution's WCS keywords (SIP terms included)
 * recognised so a second solve replaces rather than adds. Read back with our reader.
 */
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { BLOCK_BYTES } from "./header.ts";
import { readPrimaryRecords, rewritePrimaryHeader } from "./header_rewrite.ts";
import { decodeFits, encodeFits, fitsHdus } from "./mod.ts";
import { isWcsRecord, tanWcsCards } from "./wcs_cards.ts";

function primary(bytes: Uint8Array) {
  const first = fitsHdus(bytes).next();
  if (first.done) throw new Error("no primary HDU");
  return first.value;
}

const WCS = {
  crval1Deg: 83.82,
  crval2Deg: -5.39,
  crpix1Px: 60.5,
  crpix2Px: 40.5,
  cd11: -5e-4,
  cd12: 1e-5,
  cd21: 1e-5,
  cd22: 5e-4,
};

Deno.test("header rewrite: grows the header, keeps the records and every byte after them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pixels = Uint16Array.from({ length: 120 * 80 }, (_, i) => (i * 7919) % 65536);
    const cards = Array.from({ length: 25 }, (_, i) => ({ key: `KEY${i}`, value: i }));
    const original = encodeFits({ pixels, widthPx: 120, heightPx: 80 }, [
      ...cards,
      { key: "SIP", value: "x" },
    ]);
    // Whatever follows the primary HDU must travel along untouched.
    const extension = new Uint8Array(BLOCK_BYTES).fill(0x41);
    const path = `${dir}/frame.fits`;
    await Deno.writeFile(path, new Uint8Array([...original, ...extension]));
    const before = await readPrimaryRecords(path);
    assertEquals(before.headerBytes, BLOCK_BYTES);

    const size = await rewritePrimaryHeader(path, {
      keep: (r) => !r.startsWith("SIP "),
      add: [...tanWcsCards(WCS), { key: "HISTORY", value: "solved for a test" }],
    });
    const bytes = await Deno.readFile(path);
    assertEquals(size, bytes.length);
    const after = await readPrimaryRecords(path);
    assertEquals(after.headerBytes, 2 * BLOCK_BYTES, "the header grew by one block");
    assertEquals(after.records.slice(0, before.records.length - 1), before.records.slice(0, -1));
    assertEquals(
      bytes.subarray(after.headerBytes),
      new Uint8Array([...original.subarray(BLOCK_BYTES), ...extension]),
    );
    const decoded = decodeFits(bytes);
    assertEquals(decoded.header.get("CTYPE1"), "RA---TAN");
    assertEquals(decoded.header.get("CRVAL2"), -5.39);
    assertEquals(decoded.header.has("SIP"), false);
    assertEquals(decoded.pixels, pixels);
    assertEquals(primary(bytes).dataOffset, 2 * BLOCK_BYTES);

    // Solved again: the old solution's records are recognised and replaced.
    await rewritePrimaryHeader(path, {
      keep: (r) => !isWcsRecord(r),
      add: tanWcsCards({ ...WCS, crval1Deg: 84 }),
    });
    const again = decodeFits(await Deno.readFile(path));
    assertEquals(again.header.get("CRVAL1"), 84);
    const keys = primary(await Deno.readFile(path)).cards.map((c) => c.key);
    assertEquals(keys.filter((k) => k === "CTYPE1").length, 1);
    assert(keys.includes("HISTORY"), "history is kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("header rewrite: SIP terms and every WCS form are recognised; non-FITS is refused", async () => {
  const record = (key: string) => `${key.padEnd(8)}= 1`.padEnd(80);
  for (
    const key of ["CTYPE1", "CD2_2", "PC1_2", "CDELT1", "CROTA2", "A_ORDER", "A_2_0", "BP_1_1"]
  ) {
    assert(isWcsRecord(record(key)), key);
  }
  for (const key of ["OBJECT", "RA", "DEC", "CRVAL", "A_ORDERX", "EXPTIME"]) {
    assert(!isWcsRecord(record(key)), key);
  }
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/x.fits`, new Uint8Array(BLOCK_BYTES).fill(0x20));
    await assertRejects(() => readPrimaryRecords(`${dir}/x.fits`), Error, "not a FITS file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
