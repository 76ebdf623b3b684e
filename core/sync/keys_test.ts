/** Key layout: target and night folders, the noon-to-noon night at the site, safe segments. */
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { frameFileName } from "../frames/file_name.ts";
import {
  alternateKey,
  backupKey,
  frameKey,
  nightDate,
  normalizePrefix,
  sidecarKey,
} from "./keys.ts";

Deno.test("keys: the night runs noon to noon in local mean solar time", () => {
  // Vienna (16.4° E, UTC+1.09 h solar): 21:00 UTC on the 5th and 03:00 UTC on the 6th are one night.
  assertEquals(nightDate(Date.UTC(2026, 0, 5, 21), 16.4), "2026-01-05");
  assertEquals(nightDate(Date.UTC(2026, 0, 6, 3), 16.4), "2026-01-05");
  assertEquals(nightDate(Date.UTC(2026, 0, 6, 11), 16.4), "2026-01-06");
  // Chile (70.4° W): 04:00 UTC is still the evening before locally.
  assertEquals(nightDate(Date.UTC(2026, 0, 6, 4), -70.4), "2026-01-05");
  // Near the date line: 12:30 UTC is after local noon the next day at 179° E.
  assertEquals(nightDate(Date.UTC(2026, 0, 5, 0, 30), 179), "2026-01-05");
  assertThrows(() => nightDate(0, 200), RangeError);
});

Deno.test("keys: the night matches the {date} token of frame file names", () => {
  for (
    const ms of [
      Date.UTC(2026, 5, 1, 23, 59),
      Date.UTC(2026, 5, 2, 11, 0),
      Date.UTC(2026, 5, 2, 13, 0),
    ]
  ) {
    for (const lon of [-120, -3, 0, 16.4, 151]) {
      const name = frameFileName("{date}", {
        object: "x",
        startedAtMs: ms,
        longitudeDeg: lon,
        frameType: "light",
        filter: null,
        exposureS: 1,
        gain: 0,
        offset: 0,
        binning: 1,
        sensorTempC: null,
        frameNumber: 1,
        camera: "c",
      });
      assertEquals(`${nightDate(ms, lon)}.fits`, name);
    }
  }
});

Deno.test("keys: frames by target and night; calibration and untitled frames; backups", () => {
  const frame = {
    path: "M 42/2026-01-05/M_42_LIGHT_Ha_300s_g100_-10C_0007.fits",
    object: "M 42",
    frame_type: "light",
    started_at: "2026-01-05T21:00:00.000Z",
  };
  assertEquals(
    frameKey("/box1//", frame, 16.4),
    "box1/M_42/2026-01-05/M_42_LIGHT_Ha_300s_g100_-10C_0007.fits",
  );
  assertEquals(
    frameKey("", { ...frame, object: null, frame_type: "dark" }, 16.4).split("/")[0],
    "_calibration",
  );
  assertEquals(
    frameKey("p", { ...frame, object: " ", frame_type: "light" }, 16.4).split("/")[1],
    "_untitled",
  );
  assertEquals(frameKey("p", { ...frame, object: "../etc" }, 0).split("/")[1], ".._etc");
  assertEquals(alternateKey("p/M_42/2026-01-05/a.fits", "f-123"), "p/M_42/2026-01-05/a~f-123.fits");
  assertEquals(alternateKey("p/x.y/noext", "id"), "p/x.y/noext~id");
  assertEquals(sidecarKey("p/a.fits"), "p/a.fits.json");
  assertEquals(
    backupKey("p", Date.UTC(2026, 0, 6, 10, 15, 0, 500)),
    "p/_backups/openskylab-20260106T101500Z.db",
  );
  assertEquals(backupKey("", 0), "_backups/openskylab-19700101T000000Z.db");
  assertEquals(normalizePrefix("/a//b/"), "a/b");
});
