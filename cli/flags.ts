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
