/**
 * Which version of a solver produced a solution, for the HISTORY card of a solved frame: asked
 * of the executable once (`solve-field --version` prints "0.93"; ASTAP's help starts "ASTAP
 * astrometric solver version CLI-2022.11.11") and remembered per executable. Null when the
 * program does not say, which never fails a solve.
 */
import { runProcess } from "./run_process.ts";
import type { SolverName } from "./types.ts";

const VERSION_TIMEOUT_MS = 5000;
const known = new Map<string, Promise<string | null>>();

export function solverVersion(name: SolverName, executable: string): Promise<string | null> {
  let version = known.get(executable);
  if (!version) {
    version = ask(name, executable).catch(() => null);
    known.set(executable, version);
  }
  return version;
}

async function ask(name: SolverName, executable: string): Promise<string | null> {
  const args = name === "astap" ? ["-h"] : ["--version"];
  const r = await runProcess(executable, args, { timeoutMs: VERSION_TIMEOUT_MS });
  const text = `${r.stdout}\n${r.stderr}`;
  if (name === "astap") return /version\s+(\S+)/i.exec(text)?.[1] ?? null;
  return /^\s*(\d+(?:\.\d+)+\S*)\s*$/m.exec(text)?.[1] ?? null;
}
