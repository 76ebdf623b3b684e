/**
 * The machine's own status files (/proc, /sys) read under a root directory, so the same readers
 * run on the box ("/") and in tests on a tree of recorded files. A missing or unreadable file is
 * null, never an error: a PC has no Raspberry Pi firmware, and the box's systemd sandbox
 * (ProcSubset=pid) hides most of /proc.
 */
import { join } from "node:path";

export class HostFiles {
  readonly root: string;

  constructor(root = "/") {
    this.root = root;
  }

  /** The text of `path` (relative to the root), or null. */
  async text(path: string): Promise<string | null> {
    try {
      return await Deno.readTextFile(join(this.root, path));
    } catch {
      return null;
    }
  }

  /** The first of `paths` that can be read, or null. */
  async firstText(paths: readonly string[]): Promise<string | null> {
    for (const path of paths) {
      const text = await this.text(path);
      if (text !== null) return text;
    }
    return null;
  }

  /** Entry names of a directory, sorted; [] when it cannot be listed. */
  async list(dir: string): Promise<string[]> {
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(join(this.root, dir))) names.push(entry.name);
    } catch {
      return [];
    }
    return names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  }
}
