/**
 * Dispatches the subcommand; each returns the process exit code. A command's module is imported
 * only when that command runs, so `analyze` or `token` loads its few dozen modules and not the
 * whole server (hono, the database driver, every device family). Keep the table free of static
 * imports: tests/structure/cli_lazy_test.ts counts what each command loads.
 */

type Run = (args: string[]) => Promise<number>;

export const COMMANDS: Record<string, { summary: string; load: () => Promise<Run> }> = {
  serve: {
    summary: "run the box (API on port 7624, devices from the active profile)",
    load: async () => (await import("./serve.ts")).serveCommand,
  },
  token: {
    summary: "print the remote-access token; --rotate makes a new one",
    load: async () => (await import("./token.ts")).tokenCommand,
  },
  analyze: {
    summary: "star analysis of FILE.fits (--json, --stars, --pixel-scale ARCSEC)",
    load: async () => (await import("./analyze.ts")).analyzeCommand,
  },
  solve: {
    summary: "plate-solve FILE.fits (--ra HOURS --dec DEG, --pixel-scale ARCSEC, --json)",
    load: async () => (await import("./solve.ts")).solveCommand,
  },
};

export async function runCli(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(usage());
    return 0;
  }
  if (first === "--version" || first === "-V" || first === "version") {
    console.log(await versionLine());
    return 0;
  }
  if (first === undefined || first.startsWith("-")) {
    return await (await COMMANDS.serve!.load())(args);
  }
  const command = COMMANDS[first];
  if (!command) {
    console.error(`openskylab: unknown command "${first}"\n\n${usage()}`);
    return 2;
  }
  return await (await command.load())(rest);
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return [
    "usage: openskylab [command] [options]",
    "       openskylab --version",
    "",
    "commands:",
    ...lines,
    "",
    "options (serve, token): --port N  --data-dir DIR  --config FILE",
    "environment: OPENSKYLAB_PORT, OPENSKYLAB_DATA_DIR, OPENSKYLAB_CONFIG",
  ].join("\n");
}

/** `openskylab 0.1.0 (release, deno 2.9.6, aarch64, built 2026-12-06T19:00:00Z, commit abc1234)` */
/** Loads the build info only for `--version`: the dispatcher itself stays free of imports. */
export async function versionLine(): Promise<string> {
  const info = (await import("../core/system/build_info.ts")).buildInfo();
  const built = new Date(info.build_time_ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const parts = [info.kind, `deno ${Deno.version.deno}`, Deno.build.arch, `built ${built}`];
  if (info.commit) parts.push(`commit ${info.commit.slice(0, 12)}`);
  return `openskylab ${info.version} (${parts.join(", ")})`;
}
