/**
 * Serial round-trip latency of issue 6: `:GR#` → `HH:MM:SS#` through our termios binding, a
 * socat pty pair and the simulated OnStep on the far end, one command at a time through the
 * port's queue as a driver sends them. Reports p50/p99/max per command and commands per second;
 * also the same for Moonlite `:GP#`, to show the figure is the transport's, not LX200's.
 */
import { SerialPort, untilTerminator } from "../../devices/serial/port.ts";
import type { FakeSerialDevice } from "../fakes/serial/_device.ts";
import { Lx200Device } from "../fakes/serial/lx200_device.ts";
import { MoonliteDevice } from "../fakes/serial/moonlite_device.ts";
import { SocatPair } from "../fakes/serial/socat_pair.ts";
import { percentile, report } from "./_util.ts";

const SITE = { latitudeDeg: 48.1, longitudeDeg: 11.6, elevationM: 520 };

async function roundTrips(
  name: string,
  fake: FakeSerialDevice,
  command: string,
  count: number,
): Promise<void> {
  const pair = await SocatPair.create();
  await fake.attach(pair.devicePath);
  const port = SerialPort.open(pair.driverPath, 9600);
  const hash = untilTerminator("#");
  try {
    for (let i = 0; i < 20; i++) await port.request(command, hash, 1000); // warm-up
    const samplesMs: number[] = [];
    const startMs = performance.now();
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await port.request(command, hash, 1000);
      samplesMs.push(performance.now() - t0);
    }
    const totalS = (performance.now() - startMs) / 1000;
    samplesMs.sort((a, b) => a - b);
    report(name, {
      commands: count,
      p50_ms: percentile(samplesMs, 50),
      p99_ms: percentile(samplesMs, 99),
      max_ms: samplesMs[samplesMs.length - 1]!,
      per_s: count / totalS,
    });
  } finally {
    await port.close();
    await fake.detach();
    await pair.dispose();
  }
}

export async function serialBench(count = 1000): Promise<void> {
  await roundTrips(
    "serial :GR# round trip (OnStep sim, socat pty)",
    new Lx200Device("onstep", SITE),
    ":GR#",
    count,
  );
  await roundTrips(
    "serial :GP# round trip (Moonlite sim, socat pty)",
    new MoonliteDevice(),
    ":GP#",
    count,
  );
}

if (import.meta.main) await serialBench();
