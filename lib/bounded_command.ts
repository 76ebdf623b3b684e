/**
 * One run of a system program (nmcli, busctl …) with a deadline: a client stuck on a daemon that
 * does not answer is killed rather than left to hold up the box. The program is run in the C
 * locale, so what it prints is what its parser was tested on. A missing program throws
 * Deno.errors.NotFound, which callers read as "not on this machine".
 */

export interface BoundedResult {
  /** The exit code; null when the deadline killed the program. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function runBounded(
  binary: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<BoundedResult> {
  // Past the deadline the program gets a SIGTERM (Deno.Command's `signal`).
  const deadline = AbortSignal.timeout(timeoutMs);
  const out = await new Deno.Command(binary, {
    args: [...args],
    env: { LC_ALL: "C", LANG: "C" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: deadline,
  }).output();
  const text = new TextDecoder();
  return {
    code: deadline.aborted ? null : out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}
