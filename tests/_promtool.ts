/**
 * Prometheus's own checker for the tests: `promtool check metrics` (Debian's prometheus package)
 * reads an exposition on stdin and exits non-zero on anything Prometheus would not parse, or that
 * breaks its naming rules (units, counter suffixes), printing each problem.
 */

export const HAVE_PROMTOOL = (() => {
  try {
    return new Deno.Command("promtool", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
})();

export async function promtoolCheckMetrics(text: string): Promise<{ ok: boolean; output: string }> {
  const child = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ok: out.success, output: (decode(out.stdout) + decode(out.stderr)).trim() };
}
