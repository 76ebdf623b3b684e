/**
 * OpenSkyLab's one executable. Subcommands: `serve` (the default) runs the box; `token` prints or
 * rotates the remote-access token. Importing this module starts nothing.
 */
import { runCli } from "./cli/run.ts";

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args));
}
