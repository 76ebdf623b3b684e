/**
 * One reading of the machine: CPU temperature, Raspberry Pi throttling flags, load, memory,
 * uptime, Wi-Fi signal and the data directory's free space. Files are read under `files.root`
 * (a recorded tree in tests); on the real machine ("/"), what the sandbox hides from /proc is
 * asked of the kernel through Deno's own calls instead (sysinfo(2) for load, memory and uptime).
 */
import { statfs } from "node:fs/promises";
import type { HostFiles } from "./host_files.ts";
import {
  parseLoadavg,
  parseMeminfo,
  parseUptime,
  parseWireless,
  type WirelessLink,
} from "./proc_parsers.ts";
import { cpuTemperatureC, readThermalZones } from "./thermal.ts";
import { readThrottled, type ThrottleReading, type VcgencmdRunner } from "./throttled.ts";

export interface HostReading {
  cpuTempC: number | null;
  load: [number, number, number] | null;
  memory: { totalBytes: number; availableBytes: number | null } | null;
  uptimeS: number | null;
  wifi: WirelessLink | null;
  throttle: ThrottleReading | null;
}

export interface DiskSpace {
  totalBytes: number;
  /** Available to an unprivileged user (f_bavail), which is what the box can still write. */
  freeBytes: number;
}

export interface HostReaderOptions {
  files: HostFiles;
  vcgencmd: VcgencmdRunner | null;
  /** Ask the kernel through Deno when a /proc file cannot be read (only on the real machine). */
  kernelFallback: boolean;
}

export class HostReader {
  readonly #o: HostReaderOptions;

  constructor(options: HostReaderOptions) {
    this.#o = options;
  }

  async read(): Promise<HostReading> {
    const { files, kernelFallback } = this.#o;
    const [zones, throttle, meminfo, loadavg, uptime, wireless] = await Promise.all([
      readThermalZones(files),
      readThrottled(files, this.#o.vcgencmd),
      files.text("proc/meminfo"),
      files.text("proc/loadavg"),
      files.text("proc/uptime"),
      // /proc/net links to /proc/self/net, which a ProcSubset=pid sandbox still shows.
      files.firstText(["proc/net/wireless", "proc/self/net/wireless"]),
    ]);
    let memory = meminfo === null ? null : parseMeminfo(meminfo);
    let load = loadavg === null ? null : parseLoadavg(loadavg);
    let uptimeS = uptime === null ? null : parseUptime(uptime);
    if (kernelFallback) {
      if (memory === null) memory = kernelMemory();
      load ??= Deno.loadavg() as [number, number, number];
      uptimeS ??= Deno.osUptime();
    }
    return {
      cpuTempC: cpuTemperatureC(zones),
      load,
      memory,
      uptimeS,
      wifi: wireless === null ? null : pickWifi(parseWireless(wireless)),
      throttle,
    };
  }
}

/** Free space of the file system holding `dir`; null when it cannot be asked. */
export async function diskSpace(dir: string): Promise<DiskSpace | null> {
  try {
    const fs = await statfs(dir);
    return { totalBytes: fs.blocks * fs.bsize, freeBytes: fs.bavail * fs.bsize };
  } catch {
    return null;
  }
}

function kernelMemory(): HostReading["memory"] {
  try {
    const info = Deno.systemMemoryInfo();
    return { totalBytes: info.total, availableBytes: info.available };
  } catch {
    return null;
  }
}

/** The interface with a live link, else the first listed (an access point shows no link). */
function pickWifi(links: WirelessLink[]): WirelessLink | null {
  return links.find((l) => l.signalDbm !== null) ?? links[0] ?? null;
}
