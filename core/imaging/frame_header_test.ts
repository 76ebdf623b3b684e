import assert from "node:assert/strict";
import { decodeFits, encodeFits } from "../../lib/fits/mod.ts";
import { buildFrameHeader, type FrameMetadata, sexagesimal } from "./frame_header.ts";

const full: FrameMetadata = {
  widthPx: 4,
  heightPx: 2,
  startedAtMs: Date.UTC(2026, 2, 14, 21, 5, 9, 37),
  exposureS: 300,
  frameType: "light",
  binning: 2,
  gain: 100,
  offset: 50,
  sensorTempC: -10,
  filterName: "Ha",
  objectName: "M 42",
  raHours: 5 + 35 / 60 + 17.3 / 3600,
  decDeg: -(5 + 23 / 60 + 28 / 3600),
  telescopeName: "Simulated EQ mount",
  cameraName: "Simulated color camera",
  siteLatitudeDeg: 48.1,
  siteLongitudeDeg: -11.6,
  focalLengthMm: 800,
  pixelSizeUm: 3.76,
  bayerPattern: "RGGB",
};

function headerOf(meta: FrameMetadata): Map<string, unknown> {
  const pixels = new Uint16Array(meta.widthPx * meta.heightPx);
  return decodeFits(encodeFits({ pixels, ...meta }, buildFrameHeader(meta))).header;
}

Deno.test("frame header carries every standard keyword with its value", () => {
  const header = headerOf(full);
  const expected: Record<string, unknown> = {
    SIMPLE: true,
    BITPIX: 16,
    NAXIS: 2,
    NAXIS1: 4,
    NAXIS2: 2,
    BZERO: 32768,
    BSCALE: 1,
    "DATE-OBS": "2026-03-14T21:05:09.037",
    EXPTIME: 300,
    IMAGETYP: "Light Frame",
    XBINNING: 2,
    YBINNING: 2,
    GAIN: 100,
    OFFSET: 50,
    "CCD-TEMP": -10,
    FILTER: "Ha",
    OBJECT: "M 42",
    OBJCTRA: "05 35 17.30",
    OBJCTDEC: "-05 23 28.0",
    TELESCOP: "Simulated EQ mount",
    INSTRUME: "Simulated color camera",
    SITELAT: 48.1,
    SITELONG: -11.6,
    FOCALLEN: 800,
    XPIXSZ: 7.52,
    YPIXSZ: 7.52,
    BAYERPAT: "RGGB",
    XBAYROFF: 0,
    YBAYROFF: 0,
    EQUINOX: 2000,
    ROWORDER: "TOP-DOWN",
    SWCREATE: "OpenSkyLab",
  };
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(header.get(key), value, key);
  }
  assert.ok(Math.abs((header.get("RA") as number) - full.raHours! * 15) < 1e-9, "RA in degrees");
  assert.ok(Math.abs((header.get("DEC") as number) - full.decDeg!) < 1e-9, "DEC in degrees");
  assert.deepEqual(
    [...header.keys()].sort(),
    [...Object.keys(expected), "RA", "DEC"].sort(),
    "no unexpected keywords",
  );
});

Deno.test("frame header writes EXPTIME as a real and IMAGETYP per frame type", () => {
  const cards = buildFrameHeader({ ...full, exposureS: 1 });
  assert.equal(cards.find((c) => c.key === "EXPTIME")?.real, true);
  const types = {
    light: "Light Frame",
    dark: "Dark Frame",
    bias: "Bias Frame",
    flat: "Flat Frame",
  };
  for (const [frameType, text] of Object.entries(types)) {
    const header = headerOf({ ...full, frameType: frameType as FrameMetadata["frameType"] });
    assert.equal(header.get("IMAGETYP"), text);
  }
});

Deno.test("frame header leaves out what is unknown", () => {
  const header = headerOf({
    ...full,
    sensorTempC: null,
    filterName: null,
    objectName: null,
    raHours: null,
    decDeg: null,
    telescopeName: null,
    cameraName: null,
    siteLatitudeDeg: null,
    siteLongitudeDeg: null,
    focalLengthMm: null,
    pixelSizeUm: null,
    bayerPattern: null,
  });
  for (
    const key of [
      "CCD-TEMP",
      "FILTER",
      "OBJECT",
      "RA",
      "DEC",
      "OBJCTRA",
      "OBJCTDEC",
      "TELESCOP",
      "INSTRUME",
      "SITELAT",
      "SITELONG",
      "FOCALLEN",
      "XPIXSZ",
      "YPIXSZ",
      "BAYERPAT",
    ]
  ) {
    assert.equal(header.has(key), false, `${key} omitted`);
  }
  for (const key of ["DATE-OBS", "EXPTIME", "IMAGETYP", "EQUINOX", "ROWORDER", "SWCREATE"]) {
    assert.ok(header.has(key), `${key} present`);
  }
});

Deno.test("sexagesimal rounds into the next unit instead of printing 60", () => {
  assert.equal(sexagesimal(23 + 59 / 60 + 59.999 / 3600, 2, false), "24 00 00.00");
  assert.equal(sexagesimal(1 + 59.96 / 3600, 1, true), "+01 01 00.0");
  assert.equal(sexagesimal(-0.5, 1, true), "-00 30 00.0");
  assert.equal(sexagesimal(-0.000001, 1, true), "+00 00 00.0");
});

Deno.test("frame header rejects impossible metadata", () => {
  assert.throws(() => buildFrameHeader({ ...full, raHours: 24 }), /raHours/);
  assert.throws(() => buildFrameHeader({ ...full, decDeg: 91 }), /decDeg/);
  assert.throws(() => buildFrameHeader({ ...full, decDeg: null }), /both/);
  assert.throws(() => buildFrameHeader({ ...full, exposureS: -1 }), /exposureS/);
  assert.throws(() => buildFrameHeader({ ...full, binning: 0 }), /binning/);
});
