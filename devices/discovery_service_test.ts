/**
 * The discovery service's isolation: a source that throws or hangs gives its own section an
 * error and leaves the others answering, within one deadline; `alpaca: false` sends nothing; an
 * Alpaca server whose management API fails keeps its entry with the reason. Every probe here is
 * aimed at 127.0.0.1.
 */
import dgram from "node:dgram";
import { join } from "node:path";
import { assert, assertEquals } from "../tests/_assert.ts";
import { systemClock } from "../lib/clock.ts";
import { LogSink } from "../lib/log.ts";
import { DiscoveryService, type DiscoveryServiceOptions } from "./discovery_service.ts";

const sink = new LogSink({ consoleLevel: "silent" });
const log = sink.logger("discovery");

function service(options: Partial<DiscoveryServiceOptions>): DiscoveryService {
  return new DiscoveryService({
    alpacaAddress: "127.0.0.1",
    alpacaPort: 9, // discard: nothing answers there
    zwoLibraryDir: "/nonexistent",
    serialDir: "/nonexistent",
    indiCatalogueDir: "/nonexistent",
    clock: systemClock,
    log,
    ...options,
  });
}

Deno.test("discover: a failing source errors its own section only", async () => {
  const dir = await Deno.makeTempDir({ prefix: "discovery_" });
  try {
    // A file where the by-id folder should be: listing it throws.
    const notADir = join(dir, "by-id");
    await Deno.writeTextFile(notADir, "");
    const result = await service({ serialDir: notADir }).discover({ alpaca: false });
    assert(result.serial_ports.error !== null, "serial section should carry the error");
    assertEquals(result.serial_ports.ports, []);
    assertEquals(result.zwo.error, null);
    assertEquals(result.zwo.sdks.length, 3);
    assertEquals([result.indi.error, result.indi.found], [null, false]);
    assertEquals([result.alpaca.error, result.alpaca.skipped], [null, true]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discover: a source that hangs misses its deadline, the others answer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "discovery_fifo_" });
  const fifo = join(dir, "drivers.xml");
  try {
    // Reading a FIFO nobody writes blocks: an INDI catalogue on a hung network mount.
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert(made.success, "mkfifo failed");
    const result = await service({ indiCatalogueDir: dir }).discover({
      alpaca: true,
      timeoutMs: 400,
    });
    assertEquals(result.indi.error, "indi did not answer within 400 ms");
    assertEquals(result.serial_ports.error, null);
    assertEquals(result.zwo.error, null);
    assertEquals([result.alpaca.error, result.alpaca.servers], [null, []]);
    // That discover() answered at all proves the deadline: the FIFO read never ends on its own.
    // Release the reader so its blocked op ends before the test does.
    const writer = await Deno.open(fifo, { write: true });
    await writer.write(new TextEncoder().encode("<driversList></driversList>"));
    writer.close();
    const lateMs = performance.now() + 5000;
    while (!sink.query().some((e) => e.message.startsWith("late indi discovery"))) {
      assert(performance.now() < lateMs, "the abandoned INDI read never ended");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("discover: an Alpaca server whose management API fails is listed with why", async () => {
  const http = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("broken", { status: 500 }),
  );
  const udp = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  udp.on("message", (_message, remote) => {
    udp.send(JSON.stringify({ AlpacaPort: http.addr.port }), remote.port, remote.address);
  });
  try {
    const result = await service({ alpacaPort: udp.address().port }).discover({
      alpaca: true,
      timeoutMs: 1000,
    });
    assertEquals(result.alpaca.error, null);
    const [server] = result.alpaca.servers;
    assertEquals([server?.host, server?.port, server?.devices], ["127.0.0.1", http.addr.port, []]);
    assert(server?.error?.includes("answered 500"), server?.error ?? "no error");
  } finally {
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await http.shutdown();
  }
});

Deno.test("discover: a timeout that is not positive is refused", async () => {
  let refused = false;
  await service({}).discover({ alpaca: false, timeoutMs: 0 }).catch((err) => {
    refused = err instanceof RangeError && err.message.includes("timeoutMs");
  });
  assertEquals(refused, true);
});
