/**
 * The termios binding against the platform: speed codes against the values in
 * asm-generic/termbits.h, and the struct layout against what glibc's tcgetattr actually writes on
 * a real pty — nothing past byte 60, the padding after c_cc untouched, the speed fields at 52/56,
 * and the raw 8N1 flags configureRaw promises.
 */
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { SocatPair } from "../../tests/fakes/serial/socat_pair.ts";
import {
  acquireLibc,
  CBAUD,
  CLOCAL,
  configureRaw,
  CREAD,
  CRTSCTS,
  CS8,
  CSIZE,
  CSTOPB,
  cString,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
  PARENB,
  releaseLibc,
  speedCode,
  TERMIOS_LAYOUT,
  VMIN,
  VTIME,
} from "./termios.ts";

Deno.test("termios: speed codes match termbits.h (B9600 = 0o15 … B115200 = 0o10002)", () => {
  assertEquals(speedCode(1200), 0o11);
  assertEquals(speedCode(4800), 0o14);
  assertEquals(speedCode(9600), 0o15);
  assertEquals(speedCode(19200), 0o16);
  assertEquals(speedCode(38400), 0o17);
  assertEquals(speedCode(57600), 0o10001);
  assertEquals(speedCode(115200), 0o10002);
  assertEquals(speedCode(230400), 0o10003);
  for (const bad of [0, 9601, 250000, Number.NaN]) {
    assertThrows(() => speedCode(bad), RangeError, "baud must be one of");
  }
});

Deno.test("termios: struct layout and raw 8N1 on a real pty", async () => {
  const pair = await SocatPair.create();
  const libc = acquireLibc();
  const fd = libc.open(cString(pair.driverPath), O_RDWR | O_NOCTTY | O_NONBLOCK);
  try {
    assertEquals(fd >= 0, true, "open the pty");
    configureRaw(libc, fd, 115200);
    const buffer = new Uint8Array(128).fill(0xaa);
    assertEquals(libc.tcgetattr(fd, buffer), 0);
    const untouched = (from: number, to: number) => buffer.slice(from, to).every((b) => b === 0xaa);
    assertEquals(untouched(TERMIOS_LAYOUT.sizeBytes, 128), true, "tcgetattr wrote past byte 60");
    const ccEnd = TERMIOS_LAYOUT.ccOffset + TERMIOS_LAYOUT.nccs;
    assertEquals(ccEnd, 49);
    assertEquals(untouched(ccEnd, TERMIOS_LAYOUT.ispeedOffset), true, "padding after c_cc");
    const view = new DataView(buffer.buffer);
    assertEquals(view.getUint32(TERMIOS_LAYOUT.ispeedOffset, true), speedCode(115200));
    assertEquals(view.getUint32(TERMIOS_LAYOUT.ospeedOffset, true), speedCode(115200));
    assertEquals(libc.cfgetospeed(buffer), speedCode(115200));
    const cflag = view.getUint32(TERMIOS_LAYOUT.cflagOffset, true);
    assertEquals(cflag & CBAUD, speedCode(115200));
    assertEquals(cflag & CSIZE, CS8);
    assertEquals(cflag & (CSTOPB | PARENB | CRTSCTS), 0, "one stop bit, no parity, no RTS/CTS");
    assertEquals(cflag & (CREAD | CLOCAL), CREAD | CLOCAL);
    // ISIG 0o1, ICANON 0o2, ECHO 0o10, IEXTEN 0o100000: cfmakeraw clears exactly these.
    const lflag = view.getUint32(TERMIOS_LAYOUT.lflagOffset, true);
    assertEquals(
      lflag & (0o1 | 0o2 | 0o10 | 0o100000),
      0,
      "no echo, no canonical mode, no signals",
    );
    assertEquals(buffer[TERMIOS_LAYOUT.ccOffset + VMIN], 0);
    assertEquals(buffer[TERMIOS_LAYOUT.ccOffset + VTIME], 0);
  } finally {
    if (fd >= 0) libc.close(fd);
    releaseLibc();
    await pair.dispose();
  }
});
