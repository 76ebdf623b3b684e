/**
 * SerialPort over a socat pty pair, with a bare SerialPort as the far end: a request gets its
 * reply, concurrent requests are answered in order one at a time, stale input never answers the
 * next command, a silent peer times out on schedule with what had arrived, a dead peer (socat
 * killed) fires onLost once, and errors name the path. Plus the by-id port listing.
 */
import { assert, assertEquals, assertMatch, assertRejects } from "../../tests/_assert.ts";
import { SocatPair } from "../../tests/fakes/serial/socat_pair.ts";
import { listSerialPorts, parseByIdName } from "./list_ports.ts";
import {
  exactBytes,
  latin1Bytes,
  latin1String,
  SerialClosedError,
  SerialPort,
  SerialTimeoutError,
  untilTerminator,
} from "./port.ts";

const HASH = untilTerminator("#");

async function withPorts(
  body: (near: SerialPort, far: SerialPort, pair: SocatPair) => Promise<void>,
) {
  const pair = await SocatPair.create();
  const near = SerialPort.open(pair.driverPath, 9600);
  const far = SerialPort.open(pair.devicePath, 9600);
  try {
    await body(near, far, pair);
  } finally {
    await near.close();
    await far.close();
    await pair.dispose();
  }
}

/** Answers each `:X#` with `X!#` after `delayMs`, until stopped. */
function echoPeer(far: SerialPort, delayMs = 0) {
  let running = true;
  const done = (async () => {
    let buffer = "";
    while (running && far.isOpen) {
      buffer += await far.readSome(20).catch(() => "");
      let end;
      while ((end = buffer.indexOf("#")) >= 0) {
        const command = buffer.slice(1, end);
        buffer = buffer.slice(end + 1);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        await far.write(`${command}!#`);
      }
    }
  })();
  return { stop: async () => (running = false, await done) };
}

Deno.test("SerialPort: request/reply, in order, one at a time", async () => {
  await withPorts(async (near, far) => {
    const peer = echoPeer(far, 5);
    try {
      assertEquals(await near.request(":GR#", HASH, 500), "GR!#");
      const replies = await Promise.all(
        ["A", "B", "C", "D"].map((c) => near.request(`:${c}#`, HASH, 1000)),
      );
      assertEquals(replies, ["A!#", "B!#", "C!#", "D!#"]);
    } finally {
      await peer.stop();
    }
  });
});

Deno.test("SerialPort: stale input is discarded, binary bytes survive", async () => {
  await withPorts(async (near, far) => {
    await far.write("late reply#");
    await new Promise((r) => setTimeout(r, 50));
    const pending = near.request("t", exactBytes(2), 500);
    assertEquals(await far.readSome(500), "t");
    await far.write("\x00#");
    assertEquals(await pending, "\x00#");
    assertEquals(latin1String(latin1Bytes("\xff\x7f\x06")), "\xff\x7f\x06");
  });
});

Deno.test("SerialPort: a silent peer times out on schedule and reports the partial reply", async () => {
  await withPorts(async (near, far) => {
    const startMs = Date.now();
    await assertRejects(() => near.request(":GR#", HASH, 200), SerialTimeoutError, "200 ms");
    const elapsedMs = Date.now() - startMs;
    // Never early; late timers on a busy machine are not a fault (ten times is generous).
    assert(elapsedMs >= 195 && elapsedMs < 2000, `timed out after ${elapsedMs} ms`);
    const pending = near.request(":GD#", HASH, 200);
    await far.readSome(200);
    await far.write("+12*3");
    const err = await assertRejects(() => pending, SerialTimeoutError);
    assertMatch(err.message, /partial reply "\+12\*3"/);
  });
});

Deno.test("SerialPort: socat killed → onLost once, then SerialClosedError", async () => {
  await withPorts(async (near, _far, pair) => {
    const reasons: string[] = [];
    near.onLost((reason) => reasons.push(reason));
    const pending = near.request(":GR#", HASH, 2000);
    await pair.stop();
    await assertRejects(() => pending, SerialClosedError);
    assertEquals(reasons.length, 1);
    assertMatch(reasons[0]!, /hung up|EIO/);
    assertEquals(near.isOpen, false);
    await assertRejects(() => near.request(":GR#", HASH, 100), SerialClosedError, pair.driverPath);
  });
});

Deno.test("SerialPort: opening a missing device names the path and the reason", () => {
  let message = "";
  try {
    SerialPort.open("/dev/serial/by-id/does-not-exist", 9600);
  } catch (err) {
    message = (err as Error).message;
  }
  assertMatch(message, /does-not-exist: no such device \(ENOENT\)/);
});

Deno.test("listSerialPorts: vendor, product and serial from udev by-id names", async () => {
  assertEquals(parseByIdName("usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0"), {
    bus: "usb",
    vendor: "FTDI",
    product: "FT232R USB UART",
    serialNumber: "A50285BI",
    interfaceNumber: 0,
  });
  assertEquals(
    parseByIdName("usb-Prolific_Technology_Inc._USB-Serial_Controller_D-if00-port0")?.product,
    "Technology Inc. USB-Serial Controller",
  );
  assertEquals(parseByIdName("usb-1a86_USB2.0-Serial-if00-port0")?.vendor, "1a86");
  assertEquals(parseByIdName("!!!"), null);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ttyUSB0`, "");
    await Deno.symlink(`${dir}/ttyUSB0`, `${dir}/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0`);
    await Deno.symlink(`${dir}/gone`, `${dir}/usb-Arduino__www.arduino.cc__0043_7563331-if00`);
    const ports = await listSerialPorts(dir);
    // ttyUSB0 itself is no by-id name and is skipped; a dangling link is listed without a device.
    assertEquals(ports.map((p) => [p.vendor, p.product, p.serialNumber, p.devicePath]), [
      ["Arduino", "www.arduino.cc 0043", "7563331", null],
      ["FTDI", "FT232R USB UART", "A50285BI", await Deno.realPath(`${dir}/ttyUSB0`)],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assertEquals(await listSerialPorts("/nonexistent/by-id"), []);
});
