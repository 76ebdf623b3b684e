/**
 * The protocol encoders and decoders against hand-worked values from the protocol documents
 * (Meade 2010.10, OnStep Command.ino, INDI synscan/celestron/moonlite/flip_flat), round trips
 * with their stated resolution (LX200: 1 s of RA, 1″ of Dec; 16-bit: 360°/65536; 32-bit:
 * 360°/2³²), and every serial driver's option schema naming the field.
 */
import { wrapHours12 } from "../../lib/astro/coords.ts";
import { systemClock } from "../../lib/clock.ts";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { harnessContext } from "../../tests/contracts/_wait.ts";
import * as alnitak from "./alnitak/codec.ts";
import { AlnitakOptions } from "./alnitak/options.ts";
import { parseOptions } from "../driver_catalogue.ts";
import * as lx200 from "./lx200/codec.ts";
import { createLx200Mount, createOnStepMount } from "./lx200/mount.ts";
import * as moonlite from "./moonlite/codec.ts";
import { MoonliteOptions } from "./moonlite/options.ts";
import { SerialMountOptions } from "./options.ts";
import * as synscan from "./synscan/codec.ts";

Deno.test("LX200: RA and Dec formats", () => {
  assertEquals(lx200.formatRaHours(5.5), "05:30:00");
  assertEquals(lx200.formatRaHours(12 + 20 / 60 + 44.44 / 3600), "12:20:44");
  assertEquals(lx200.formatRaHours(23.99999), "00:00:00", "rounding carries through 24 h");
  assertEquals(lx200.formatDecDeg(-12.5), "-12*30:00");
  assertEquals(lx200.formatDecDeg(89.99999), "+90*00:00");
  assertEquals(lx200.formatDecDeg(-0.25), "-00*15:00");
  assertEquals(lx200.parseRaHours("05:30:00#"), 5.5);
  assertEquals(lx200.parseRaHours("05:30.6#"), 5 + 30.6 / 60, "low precision: tenths of a minute");
  assertEquals(lx200.parseRaHours("12:20:44.4400#"), 12 + 20 / 60 + 44.44 / 3600);
  assertEquals(lx200.parseDecDeg("+45*30#"), 45.5);
  assertEquals(lx200.parseDecDeg("-12*30:00#"), -12.5);
  assertEquals(lx200.parseDecDeg("+45\xdf30'15#"), 45 + 30 / 60 + 15 / 3600);
  assertEquals(lx200.isLowPrecisionRa("05:30.6#"), true);
  assertEquals(lx200.isLowPrecisionRa("05:30:36#"), false);
  for (const bad of ["@@@@@@@@#", "25:00:00#", "05:61:00#", ""]) {
    assertThrows(() => lx200.parseRaHours(bad), Error, "RA reply");
  }
  assertThrows(() => lx200.parseDecDeg("+95*00:00#"), Error, "out of range");
  assertThrows(() => lx200.parseDecDeg("1"), Error, 'Dec reply "1"');
});

Deno.test("LX200: format/parse round trip within 0.5 s of RA and 0.5″ of Dec", () => {
  let maxRaErrS = 0;
  let maxDecErrArcsec = 0;
  for (let i = 0; i < 2000; i++) {
    const ra = (i * 0.0119371) % 24; // spread over the whole 0–24 h range
    const dec = -90 + (i * 0.0901377) % 180;
    maxRaErrS = Math.max(
      maxRaErrS,
      Math.abs(wrapHours12(lx200.parseRaHours(lx200.formatRaHours(ra) + "#") - ra)) * 3600,
    );
    maxDecErrArcsec = Math.max(
      maxDecErrArcsec,
      Math.abs(lx200.parseDecDeg(lx200.formatDecDeg(dec) + "#") - dec) * 3600,
    );
  }
  assert(maxRaErrS <= 0.5 + 1e-6, `max RA error ${maxRaErrS} s`);
  assert(maxDecErrArcsec <= 0.5 + 1e-6, `max Dec error ${maxDecErrArcsec}″`);
});

Deno.test("LX200: goto codes and OnStep :GU# flags", () => {
  assertEquals(lx200.parseGotoReply("0"), { ok: true });
  assertEquals(lx200.parseGotoReply("1Object Below Horizon#"), {
    ok: false,
    kind: "range",
    reason: "the target is below the horizon limit: Object Below Horizon",
  });
  assertEquals(lx200.parseGotoReply("4"), {
    ok: false,
    kind: "conflict",
    reason: "the mount is parked",
  });
  assertEquals(lx200.parseGotoReply("7").ok, false);
  assertThrows(() => lx200.parseGotoReply("X"), Error, "result code");
  const parked = lx200.parseOnStepStatus("nNPHEo000#");
  assertEquals(parked.tracking, false);
  assertEquals(parked.slewing, false);
  assertEquals(parked.parked, true);
  assertEquals(parked.atHome, true);
  assertEquals(parked.alignment, "germanPolar");
  assertEquals(parked.pierSide, "unknown");
  const slewing = lx200.parseOnStepStatus("pGKW352#");
  assertEquals([slewing.tracking, slewing.slewing, slewing.pulseGuiding], [true, true, true]);
  assertEquals([slewing.alignment, slewing.pierSide, slewing.errorCode], ["polar", "west", 2]);
  assertEquals(lx200.parseOnStepStatus("NpET000#").pierSide, "east");
  assertThrows(() => lx200.parseOnStepStatus("@@@@#"), Error, ":GU# reply");
});

Deno.test("SynScan/NexStar: hex fractions of a turn", () => {
  assertEquals(synscan.encodeFraction(0.5, 16), "8000");
  assertEquals(synscan.encodeFraction(0.25, 32), "40000000");
  assertEquals(synscan.encodeFraction(0.9999999999, 32), "00000000", "rounds up to a full turn");
  assertEquals(synscan.encodePosition({ raHours: 12, decDeg: -45 }, 32), "80000000,E0000000");
  assertEquals(synscan.encodePosition({ raHours: 6, decDeg: 45 }, 16), "4000,2000");
  assertEquals(synscan.decodePosition("80000000,E0000000#"), { raHours: 12, decDeg: -45 });
  assertEquals(synscan.decodePosition("4000,2000#"), { raHours: 6, decDeg: 45 });
  // SynScan's 24-bit value shifted a byte: 0x2AAAAB00 / 2³² of 24 h ≈ 4 h.
  const shifted = synscan.decodePosition("2AAAAB00,10000000#");
  assert(Math.abs(shifted.raHours - 4) < 24 / 2 ** 24, `${shifted.raHours}`);
  assertEquals(shifted.decDeg, 22.5);
  for (const bad of ["80000000,E000#", "zzzz,0000#", "80000000E0000000#", ""]) {
    assertThrows(() => synscan.decodePosition(bad), Error, "position reply");
  }
  assertEquals(synscan.parseSynScanVersion("042A07#"), "4.42.7");
  assertEquals(synscan.parseNexStarVersion("\x04\x0a#"), "4.10");
  for (const bits of [16, 32] as const) {
    let maxErrDeg = 0;
    for (let i = 0; i < 1000; i++) {
      const position = { raHours: (i * 0.02398) % 24, decDeg: -89 + (i * 0.1783) % 178 };
      const back = synscan.decodePosition(synscan.encodePosition(position, bits) + "#");
      maxErrDeg = Math.max(
        maxErrDeg,
        Math.abs(back.raHours - position.raHours) * 15,
        Math.abs(back.decDeg - position.decDeg),
      );
    }
    assert(maxErrDeg <= 360 / 2 ** bits / 2 + 1e-9, `${bits}-bit max error ${maxErrDeg}°`);
  }
});

Deno.test("Moonlite: positions, motion and temperature", () => {
  assertEquals(moonlite.formatPosition(8000), "1F40");
  assertEquals(moonlite.parsePosition("1F40#"), 8000);
  assertEquals(moonlite.parseMoving("01#"), true);
  assertEquals(moonlite.parseMoving("00#"), false);
  assertEquals(moonlite.parseTemperatureC("0017#"), 11.5);
  assertEquals(moonlite.parseTemperatureC("FFF6#"), -5);
  assertEquals(moonlite.formatTemperatureC(-5), "FFF6");
  assertThrows(() => moonlite.formatPosition(65536), RangeError);
  assertThrows(() => moonlite.parsePosition("@@@@#"), Error, 'position reply "@@@@#"');
  assertThrows(() => moonlite.parseMoving("02#"), Error, "neither");
});

Deno.test("Alnitak: fixed-width commands and replies", () => {
  assertEquals(alnitak.formatCommand("P"), ">POOO\r");
  assertEquals(alnitak.formatCommand("B", 5), ">B005\r");
  assertThrows(() => alnitak.formatCommand("B", 1000), RangeError);
  const status = alnitak.parseReply("*S99012\n", "S");
  assertEquals(status.productId, 99);
  assertEquals(alnitak.parseState(status.payload), {
    motorRunning: false,
    lightOn: true,
    cover: "open",
  });
  assertEquals(alnitak.parseState("100"), { motorRunning: true, lightOn: false, cover: "moving" });
  assertEquals(alnitak.parseState("003").cover, "error");
  assertEquals(alnitak.parseBrightness(alnitak.parseReply("*J19128\n", "J").payload), 128);
  assertEquals(alnitak.productFor(19), {
    id: 19,
    name: "Flat-Man",
    hasCover: false,
    hasLight: true,
  });
  assertThrows(() => alnitak.parseReply("*S99012\n", "J"), Error, "to a J command");
  assertThrows(() => alnitak.parseReply("*S9901\n", "S"), Error, "is not *Xiiddd");
  assertThrows(() => alnitak.parseBrightness("300"), Error, "not 000–255");
});

Deno.test("serial drivers: options are validated and name the field", () => {
  const schemas = [SerialMountOptions, MoonliteOptions, AlnitakOptions];
  const bad: [Record<string, unknown>, string][] = [
    [{}, "path"],
    [{ path: "" }, "path"],
    [{ path: "/dev/ttyUSB0", baud: 12345 }, "baud"],
    [{ path: "/dev/ttyUSB0", baud: "9600" }, "baud"],
    [{ path: "/dev/ttyUSB0", timeoutMs: 0 }, "timeoutMs"],
    [{ path: "/dev/ttyUSB0", pollMs: Number.NaN }, "pollMs"],
    [{ path: "/dev/ttyUSB0", pollMS: 50 }, "pollMS"],
  ];
  for (const schema of schemas) {
    for (const [options, field] of bad) {
      assertThrows(() => parseOptions(schema, options, "serial"), RangeError, field);
    }
    assertEquals(parseOptions(schema, { path: "/dev/ttyUSB0" }, "serial").baud, 9600);
  }
  for (
    const [options, field] of [[{ horizonLimitDeg: 95 }, "horizonLimitDeg"], [
      { alignment: "dobsonian" },
      "alignment",
    ]] as const
  ) {
    assertThrows(
      () => parseOptions(SerialMountOptions, { path: "/x", ...options }, "serial"),
      RangeError,
      field,
    );
  }
  for (
    const [options, field] of [
      [{ maxPosition: 70000 }, "maxPosition"],
      [
        { maxIncrement: 0 },
        "maxIncrement",
      ],
      [{ maxPosition: 10.5 }, "maxPosition"],
      [
        { maxPosition: 100, maxIncrement: 200 },
        "maxIncrement",
      ],
    ] as const
  ) {
    assertThrows(
      () => parseOptions(MoonliteOptions, { path: "/x", ...options }, "moonlite"),
      RangeError,
      field,
    );
  }
  // The protocol decides what an unset alignment means.
  const lx200Ctx = harnessContext(
    systemClock,
    parseOptions(SerialMountOptions, { path: "/x" }, "x"),
  );
  assertEquals(createLx200Mount(lx200Ctx).capabilities.alignment, "polar");
  assertEquals(createOnStepMount(lx200Ctx).capabilities.alignment, "germanPolar");
});
