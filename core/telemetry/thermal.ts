/**
 * CPU temperature from the kernel's thermal zones (/sys/class/thermal/thermal_zone*: `type` names
 * the sensor, `temp` is millidegrees Celsius). A Raspberry Pi has one zone, "cpu-thermal"; a PC
 * has several (x86_pkg_temp, acpitz, a Wi-Fi card's …), so the CPU's is picked by name.
 */
import type { HostFiles } from "./host_files.ts";

export interface ThermalZone {
  zone: string;
  type: string | null;
  tempC: number;
}

/** Zone types that are the CPU (or the SoC it is part of), most specific first. */
const CPU_ZONE_TYPES = ["cpu-thermal", "cpu_thermal", "x86_pkg_temp", "soc_thermal", "soc-thermal"];

export async function readThermalZones(files: HostFiles): Promise<ThermalZone[]> {
  const zones: ThermalZone[] = [];
  for (const name of await files.list("sys/class/thermal")) {
    if (!/^thermal_zone\d+$/.test(name)) continue;
    const tempText = await files.text(`sys/class/thermal/${name}/temp`);
    const tempC = parseMilliCelsius(tempText);
    // A sensor that is off (a Wi-Fi card's while it sleeps) answers EIO: skip it.
    if (tempC === null) continue;
    const type = (await files.text(`sys/class/thermal/${name}/type`))?.trim() || null;
    zones.push({ zone: name, type, tempC });
  }
  return zones;
}

/** The CPU's temperature among the zones: by type, else the first zone; null with none. */
export function cpuTemperatureC(zones: readonly ThermalZone[]): number | null {
  for (const type of CPU_ZONE_TYPES) {
    const zone = zones.find((z) => z.type === type);
    if (zone) return zone.tempC;
  }
  return zones[0]?.tempC ?? null;
}

export function parseMilliCelsius(text: string | null): number | null {
  if (text === null || !/^\s*-?\d+\s*$/.test(text)) return null;
  return Number(text.trim()) / 1000;
}
