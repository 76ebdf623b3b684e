/**
 * Runs a solver's child process with a deadline and a cancellation signal. Both solvers can run
 * for minutes on a hopeless frame, and solve-field forks helpers (astrometry-engine), so on abort
 * or timeout the whole process group is killed: the child is started through `setsid` when it is
 * available so the group id equals the child's pid, and SIGKILL goes to `-pid`.
 */

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the deadline or the signal ended the process. */
  killed: boolean;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

let setsidPath: string | null | undefined;

function findSetsid(): string | null {
  if (setsidPath !== undefined) return setsidPath;
  for (const p of ["/usr/bin/setsid", "/bin/setsid"]) {
    try {
      if (Deno.statSync(p).isFile) return setsidPath = p;
    } catch { /* not here */ }
  }
  return setsidPath = null;
}

/** Which of `paths` exists as a file, else null. */
export function firstExisting(paths: readonly string[]): string | null {
  for (const p of paths) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not here */ }
  }
  return null;
}

/** Runs `cmd args`; resolves (never rejects on a non-zero exit) with its output. */
export async function runProcess(
  cmd: string,
  args: string[],
  o: RunOptions,
): Promise<ProcessResult> {
  if (o.signal?.aborted) return { code: -1, stdout: "", stderr: "aborted", killed: true };
  const setsid = findSetsid();
  const child = new Deno.Command(setsid ?? cmd, {
    args: setsid ? [cmd, ...args] : args,
    cwd: o.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    // The group first (helpers forked by solve-field), then the child itself as a fallback.
    try {
      if (setsid) Deno.kill(-child.pid, "SIGKILL");
    } catch { /* group already gone */ }
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
  };
  const timer = setTimeout(kill, o.timeoutMs);
  o.signal?.addEventListener("abort", kill, { once: true });
  try {
    const out = await child.output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
      killed,
    };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", kill);
  }
}
