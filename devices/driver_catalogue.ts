/**
 * What a profile may ask of each driver: for every device kind, the drivers that can fill it, each
 * with a title, a line on what it is, and the zod schema of its profile options. The schema lives
 * beside the driver's factory; the registry (devices/registry.ts) collects them and implements
 * `DriverCatalogue`, so core can validate a profile when it is saved, and the API can document each
 * driver's options, without importing a driver.
 *
 * Option keys are camelCase with units in the name (`slewRateDegPerS`, `requestTimeoutSeconds`),
 * like the TypeScript that reads them. Every schema is a strict object with its defaults, and it
 * never transforms: parsing its own output gives the same value, so an options object can be
 * checked when it is saved and parsed again when the rig is built.
 */
import { z } from "zod";
import type { DeviceKind } from "./device.ts";

export interface DriverSpec {
  /** The registry id a profile names in `devices.<role>.driver`, e.g. "sim", "indi". */
  id: string;
  /** Short human name, e.g. "INDI". */
  title: string;
  /** One line on what the driver talks to. */
  description: string;
  /** The driver's profile options: a strict object schema with defaults, no transforms. */
  options: z.ZodType<Record<string, unknown>>;
}

export interface DriverCatalogue {
  /** The drivers that can fill `kind`, in the order a user should see them. */
  drivers(kind: DeviceKind): readonly DriverSpec[];
}

/** One problem with a role's options: the dotted field (from `options`) and why. */
export interface OptionIssue {
  field: string;
  reason: string;
}

export type OptionsCheck =
  | { ok: true; options: Record<string, unknown>; ignoredKeys: string[] }
  | { ok: false; issues: OptionIssue[] };

/**
 * Checks one role's options against its driver's schema. `unknownKeys: "refuse"` makes a key the
 * driver does not know an issue (a profile being saved: the user can fix the typo now);
 * `"ignore"` drops such keys and lists them in `ignoredKeys` (a stored profile being applied at
 * night: a stray key accepted by an older firmware must not leave the role empty).
 */
export function checkOptions(
  spec: DriverSpec,
  options: unknown,
  unknownKeys: "refuse" | "ignore",
): OptionsCheck {
  let input = options ?? {};
  const ignoredKeys: string[] = [];
  for (let attempt = 0; attempt < 8; attempt++) {
    const result = spec.options.safeParse(input, { reportInput: true });
    if (result.success) return { ok: true, options: result.data, ignoredKeys };
    const unknown = result.error.issues.filter((i) => i.code === "unrecognized_keys");
    if (unknownKeys === "refuse" || unknown.length === 0) {
      return { ok: false, issues: result.error.issues.flatMap((i) => optionIssues(spec, i)) };
    }
    input = structuredClone(input);
    for (const issue of unknown) {
      const owner = issue.path.reduce<unknown>(
        (at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey],
        input,
      ) as Record<string, unknown> | undefined;
      for (const key of issue.keys) {
        if (owner) delete owner[key];
        ignoredKeys.push(["options", ...issue.path.map(String), key].join("."));
      }
    }
  }
  return { ok: false, issues: [{ field: "options", reason: "could not be read" }] };
}

/**
 * Parses options a caller built itself (a test, a runtime change such as the simulated mount's
 * knobs): a RangeError names `what`, the field and why, e.g. "sim mount option ihArcsec must be ≤
 * 36000, got 1000000000".
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  options: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(options ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) =>
    issue.code === "unrecognized_keys"
      ? `${what} has no option ${issue.keys.map((k) => [...issue.path, k].join(".")).join(", ")}`
      : `${what} option ${issue.path.join(".") || "(options)"} ${issueReason(issue)}`
  );
  throw new RangeError(problems.join("; "));
}

function optionIssues(spec: DriverSpec, issue: z.core.$ZodIssue): OptionIssue[] {
  const field = ["options", ...issue.path.map(String)].join(".");
  if (issue.code !== "unrecognized_keys") return [{ field, reason: issueReason(issue) }];
  const known = knownKeys(spec.options, issue.path);
  return issue.keys.map((key) => ({
    field: `${field}.${key}`,
    reason: `is not an option of the ${spec.title} driver` +
      (known.length > 0 ? ` (known: ${known.join(", ")})` : ""),
  }));
}

/**
 * Issues from any schema as `{ field, reason }`, the field a dotted path under `prefix`; a key an
 * object does not know is its own issue at its own path.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: string,
  /** The value that was parsed, to show the bad part where a parse did not report its input. */
  value?: unknown,
): OptionIssue[] {
  return issues.flatMap((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
    if (issue.code !== "unrecognized_keys") {
      const input = "input" in issue ? issue.input : valueAt(value, issue.path);
      return [{ field, reason: issueReason({ ...issue, input } as z.core.$ZodIssue) }];
    }
    return issue.keys.map((key) => ({ field: `${field}.${key}`, reason: "is not a known key" }));
  });
}

/** "must be ≤ 20, got 30": what was wrong with a value, for a person to fix it. */
export function issueReason(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? "" : `, got ${JSON.stringify(input)}`;
  switch (issue.code) {
    case "invalid_type":
      return input === undefined ? "is required" : `must be ${article(issue.expected)}${got}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters long`
        : issue.origin === "array"
        ? `must have at most ${issue.maximum} entries`
        : `must be ${issue.inclusive ? "≤" : "<"} ${issue.maximum}${got}`;
    case "too_small":
      if ((issue.origin === "string" || issue.origin === "array") && issue.minimum === 1) {
        return "must not be empty";
      }
      return issue.origin === "string"
        ? `must be at least ${issue.minimum} characters long`
        : issue.origin === "array"
        ? `must have at least ${issue.minimum} entries`
        : `must be ${issue.inclusive ? "≥" : ">"} ${issue.minimum}${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${got}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}${got}`;
    case "invalid_format":
      return `must be a ${issue.format}${got}`;
    case "unrecognized_keys":
      return `${issue.keys.map((k) => `"${k}"`).join(", ")} not known`;
    case "custom":
      // A cross-field check: its message names the values itself (its input is the whole object).
      return issue.message;
    default:
      return `${issue.message}${got}`;
  }
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function article(type: string): string {
  return type === "int" ? "an integer" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The keys an object schema (at `path` inside `schema`) knows, for the error message. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at: z.ZodType | undefined = schema;
  for (const key of [...path, null]) {
    while (at && "innerType" in at.def) at = at.def.innerType as z.ZodType;
    if (!(at instanceof z.ZodObject)) return [];
    if (key === null) return Object.keys(at.shape);
    at = (at.shape as Record<string, z.ZodType>)[String(key)];
  }
  return [];
}
