/**
 * The `openssl` command line, which the box uses as its certificate tool: it ships on Debian and
 * Raspberry Pi OS (the image installs it), it is what administrators already trust for keys and
 * certificates, and it spares the box an X.509 encoder of its own. Each call is one short process
 * with a deadline; a missing binary or a refusal becomes an `OpensslError` naming the command
 * and openssl's own words, which the TLS service turns into a warning (HTTP carries on).
 */

/** openssl could not be run, or refused: `message` names the sub-command and openssl's reason. */
export class OpensslError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OpensslError";
  }
}

export interface OpensslRunner {
  /** Runs `openssl <args>` in `cwd`; resolves with stdout, rejects with an OpensslError. */
  (args: string[], cwd: string): Promise<string>;
}

/** Generating a P-256 key takes milliseconds; a hung process must not hold the start. */
const DEADLINE_MS = 30_000;

export function opensslRunner(binary = "openssl"): OpensslRunner {
  return async (args, cwd) => {
    const command = new Deno.Command(binary, {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
    let output: Deno.CommandOutput;
    try {
      output = await command.output();
    } catch (err) {
      const why = err instanceof Deno.errors.NotFound
        ? `"${binary}" is not installed (Debian package openssl)`
        : String(err);
      throw new OpensslError(`openssl ${args[0]}: ${why}`, { cause: err });
    }
    const decoder = new TextDecoder();
    if (!output.success) {
      const stderr = decoder.decode(output.stderr).trim().split("\n").slice(-3).join(" | ");
      throw new OpensslError(
        `openssl ${args[0]} failed (exit ${output.code}${
          output.signal ? `, ${output.signal}` : ""
        }): ${stderr}`,
      );
    }
    return decoder.decode(output.stdout);
  };
}
