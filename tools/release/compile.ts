/**
 * The single-file release, where a real denort (Deno's runtime without the CLI) is at hand:
 * `DENORT_BIN`, or the zip `deno compile` keeps in Deno's cache. These machines have neither,
 * and `DENORT_BIN` pointed at a full deno produces a file that ignores the embedded program and
 * behaves as the deno CLI (a REPL, `deno x y` runs npm packages): the output is therefore run with
 * `--version` and refused unless OpenSkyLab answers.
 */
import { join } from "node:path";
import type { ReleaseArch } from "../../core/system/release_format.ts";
import { WORKERS } from "./bundle.ts";
import { run } from "./npm_packages.ts";

const TARGETS: Record<ReleaseArch, string> = {
  x86_64: "x86_64-unknown-linux-gnu",
  aarch64: "aarch64-unknown-linux-gnu",
};

export class FakeRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FakeRuntimeError";
  }
}

/** Where `deno compile` would find a denort for `arch`, or null (then the tarball is built). */
export async function findDenort(
  arch: ReleaseArch,
  env: Record<string, string | undefined>,
  denoVersion: string,
): Promise<string | null> {
  // DENORT_BIN is one file, used whatever the target: it can only be the host's runtime.
  if (env.DENORT_BIN) return arch === Deno.build.arch ? env.DENORT_BIN : null;
  const cache = env.DENO_DIR ??
    join(env.XDG_CACHE_HOME ?? join(env.HOME ?? "/nonexistent", ".cache"), "deno");
  const zip = join(cache, "dl", "release", `v${denoVersion}`, `denort-${TARGETS[arch]}.zip`);
  return await Deno.stat(zip).then(() => zip, () => null);
}

/** Compiles `entry` for `arch` into `out`; throws FakeRuntimeError when the result is not ours. */
export async function compileBinary(o: {
  deno: string;
  repoDir: string;
  entry: string;
  arch: ReleaseArch;
  out: string;
  version: string;
  /** What findDenort found: a runtime file (passed on as DENORT_BIN) or Deno's cached zip. */
  denort: string;
}): Promise<void> {
  const includes = [...WORKERS.map((w) => w.source), "web"].flatMap((p) => ["--include", p]);
  await run(
    o.deno,
    [
      "compile",
      "--quiet",
      "--target",
      TARGETS[o.arch],
      "--output",
      o.out,
      "--allow-all",
      "--unstable-net",
      ...includes,
      o.entry,
    ],
    o.repoDir,
    o.denort.endsWith(".zip") ? {} : { DENORT_BIN: o.denort },
  );
  const answer = await versionOf(o.out, o.arch);
  if (!answer.startsWith(`openskylab ${o.version} `)) {
    await Deno.remove(o.out).catch(() => {});
    throw new FakeRuntimeError(
      `the compiled file answers --version with "${answer.split("\n")[0]}", not OpenSkyLab: ` +
        "its runtime is not a denort (DENORT_BIN names a full deno?). Refusing to ship it; " +
        "unset DENORT_BIN to build the tarball release.",
    );
  }
}

async function versionOf(file: string, arch: ReleaseArch): Promise<string> {
  const [cmd, args] = arch === Deno.build.arch
    ? [file, ["--version"]]
    : ["qemu-aarch64-static", ["-L", "/usr/aarch64-linux-gnu", file, "--version"]];
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" })
    .output().catch((err) => {
      throw new FakeRuntimeError(`cannot run the compiled ${arch} file to check it: ${err}`);
    });
  return new TextDecoder().decode(out.stdout).trim();
}
