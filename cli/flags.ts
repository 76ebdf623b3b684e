/**
 * The command line's flags: refusing those a subcommand does not know, and reading the values of
 * those it does (`--x v` or `--x=v`).
 */
import { ConfigError } from "../core/config.ts";

/** Rejects flags a subcommand does not know, so a typo is an error rather than a silent default. */
export function checkFlags(args: readonly string[], known: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
    if (!known.includes(name)) return `unknown option "${arg}" (known: ${known.join(", ")})`;
    // Flags that take a value as the next word skip it.
    if (!arg.includes("=") && !BOOLEAN_FLAGS.has(name)) i++;
  }
  return null;
}

const BOOLEAN_FLAGS = new Set(["--rotate", "--json"]);

/**
 * The values of `names` in `args`, as given; other arguments are left to their subcommand. A flag
 * with no value (or followed by another flag) is a ConfigError naming it.
 */
export function flagValues<F extends string>(
  args: readonly string[],
  names: readonly F[],
): Partial<Record<F, string>> {
  const found: Partial<Record<F, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") break;
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const flag = names.find((f) => f === name);
    if (flag === undefined) continue;
    const value = inline ?? args[++i];
    if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
      throw new ConfigError(`${flag} needs a value`);
    }
    found[flag] = value;
  }
  return found;
}
