/**
 * Runs the real `nmcli` (NetworkManager's command-line client) with a deadline. Every call is
 * terse (`-t`) and in the C locale, so the parsers in terse.ts read what they were tested on.
 * A failure carries nmcli's own message ("Secrets were required, but not provided", "No network
 * with SSID … found"), which the Wi-Fi manager shows the phone as the reason.
 */
import { runBounded } from "../../lib/bounded_command.ts";

export class NmcliError extends Error {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  constructor(args: readonly string[], message: string, exitCode: number | null) {
    super(message);
    this.name = "NmcliError";
    this.args = args;
    this.exitCode = exitCode;
  }
}

export interface NmcliRunner {
  /** nmcli's stdout; throws NmcliError on a non-zero exit or the deadline. */
  run(args: readonly string[], timeoutMs?: number): Promise<string>;
}

/** Arguments that must not reach a log (a Wi-Fi password follows these keys). */
const SECRET_KEYS = new Set(["password", "wifi-sec.psk", "802-11-wireless-security.psk"]);

export function redact(args: readonly string[]): string[] {
  return args.map((a, i) => (i > 0 && SECRET_KEYS.has(args[i - 1]!) ? "***" : a));
}

export class Nmcli implements NmcliRunner {
  readonly #binary: string;
  constructor(binary = "nmcli") {
    this.#binary = binary;
  }

  async run(args: readonly string[], timeoutMs = 30_000): Promise<string> {
    const out = await runBounded(this.#binary, ["-t", ...args], timeoutMs);
    if (out.code === null) {
      throw new NmcliError(
        args,
        `nmcli ${redact(args).join(" ")} did not finish within ${timeoutMs / 1000} s`,
        null,
      );
    }
    if (out.code !== 0) {
      const message = out.stderr.trim().replace(/^Error: /, "") || `nmcli exited with ${out.code}`;
      throw new NmcliError(args, message, out.code);
    }
    return out.stdout;
  }
}

/**
 * Why this machine has no Wi-Fi manager, or null when NetworkManager answers. A dev machine or CI
 * host without nmcli, or with NetworkManager stopped, gets a reason the API shows as a 503.
 */
export async function networkManagerUnavailable(
  nm: NmcliRunner,
): Promise<{ reason: string; lasting: boolean } | null> {
  try {
    const running = (await nm.run(["-f", "RUNNING", "general"], 10_000)).trim();
    return running === "running"
      ? null
      : { reason: `NetworkManager is not running (nmcli says "${running}")`, lasting: false };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return {
        reason:
          "this machine has no NetworkManager (nmcli is not installed): Wi-Fi is managed only on the box",
        lasting: true,
      };
    }
    // Starting, or slow on a loaded box at boot: worth asking again.
    return {
      reason: `NetworkManager does not answer: ${err instanceof Error ? err.message : String(err)}`,
      lasting: false,
    };
  }
}
