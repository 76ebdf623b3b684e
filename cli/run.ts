/** Dispatches the subcommand; each returns the process exit code. */
import { analyzeCommand } from "./analyze.ts";
import { serveCommand } from "./serve.ts";
import { solveCommand } from "./solve.ts";
import { tokenCommand } from "./token.ts";

const COMMANDS: Record<string, { summary: string; run: (args: string[]) => Promise<number> }> = {
  serve: {
    summary: "run the box (API on port 7624, devices from the active profile)",
    run: serveCommand,
  },
  token: { summary: "print the remote-access token; --rotate makes a new one", run: tokenCommand },
  analyze: {
    summary: "star analysis of FILE.fits (--json, --stars, --pixel-scale ARCSEC)",
    run: analyzeCommand,
  },
  solve: {
    summary: "plate-solve FILE.fits (--ra HOURS --dec DEG, --pixel-scale ARCSEC, --json)",
    run: solveCommand,
  },
};

export async function runCli(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(usage());
    return 0;
  }
  if (first === undefined || first.startsWith("-")) return await COMMANDS.serve!.run(args);
  const command = COMMANDS[first];
  if (!command) {
    console.error(`openskylab: unknown command "${first}"\n\n${usage()}`);
    return 2;
  }
  return await command.run(rest);
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return [
    "usage: openskylab [command] [options]",
    "",
    "commands:",
    ...lines,
    "",
    "options (serve, token): --port N  --data-dir DIR  --config FILE",
    "environment: OPENSKYLAB_PORT, OPENSKYLAB_DATA_DIR, OPENSKYLAB_CONFIG",
  ].join("\n");
}
