/**
 * What the box is, read from the operating system: the board's model and serial from the device
 * tree (a Raspberry Pi has them; a PC or VM has none), hostname, uptime and the data folder's
 * free space. Everything is read through a root prefix so tests can lay out a fake /sys and /etc.
 * The device tree is read under /sys, not /proc: the service runs with ProcSubset=pid.
 *
 * Without a device-tree serial, the serial is the first 16 hex digits of
 * sha256("openskylab:" + machine-id) — the same derivation as the image's first-boot script,
 * which names the host after its last four digits; /etc/machine-id itself is never shown.
 */
import { statfs } from "node:fs/promises";
import { join } from "node:path";
import { sha256Hex } from "./release_format.ts";

export interface StorageFigures {
  total_bytes: number;
  free_bytes: number;
}

export class HostInfo {
  readonly #root: string;

  /** `root` prefixes every system path read ("/" on a box). */
  constructor(root = "/") {
    this.#root = root;
  }

  async model(): Promise<string | null> {
    return await this.#deviceTree("model");
  }

  async serial(): Promise<string> {
    const fromTree = await this.#deviceTree("serial-number");
    if (fromTree) return fromTree.toLowerCase();
    const machineId = await this.#read("etc/machine-id");
    if (!machineId) return "unknown";
    const digest = await sha256Hex(new TextEncoder().encode(`openskylab:${machineId}`));
    return digest.slice(0, 16);
  }

  hostname(): string {
    return Deno.hostname();
  }

  /** Seconds since boot (sysinfo(2), which needs no /proc). */
  uptimeS(): number {
    return Deno.osUptime();
  }

  async storage(dir: string): Promise<StorageFigures> {
    const fs = await statfs(dir);
    return { total_bytes: fs.blocks * fs.bsize, free_bytes: fs.bavail * fs.bsize };
  }

  async #deviceTree(name: string): Promise<string | null> {
    return await this.#read(`sys/firmware/devicetree/base/${name}`);
  }

  async #read(path: string): Promise<string | null> {
    try {
      const text = (await Deno.readTextFile(join(this.#root, path))).replace(/\0/g, "").trim();
      return text === "" ? null : text;
    } catch {
      return null;
    }
  }
}
