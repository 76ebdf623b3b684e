/**
 * Debian control-file paragraphs (deb822), the format of both dpkg's status database and
 * machine-readable copyright files: paragraphs separated by blank lines, `Field: value` lines,
 * continuation lines starting with a space or tab (a lone `.` stands for an empty line), `#`
 * comment lines. Field names are matched case-insensitively, as Debian policy says, so they are
 * kept lower-cased here.
 */

/** One paragraph: lower-cased field name → value (continuation lines joined with "\n"). */
export type ControlParagraph = Map<string, string>;

export function parseControl(text: string): ControlParagraph[] {
  const paragraphs: ControlParagraph[] = [];
  let current: ControlParagraph | null = null;
  let field: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === "") {
      if (current) paragraphs.push(current);
      current = null;
      field = null;
      continue;
    }
    if (raw.startsWith("#")) continue;
    if (raw.startsWith(" ") || raw.startsWith("\t")) {
      // A continuation of the field above; text before any field is not deb822, so it is skipped.
      if (current && field !== null) {
        const line = raw.trim() === "." ? "" : raw.slice(1);
        current.set(field, `${current.get(field)}\n${line}`);
      }
      continue;
    }
    const colon = raw.indexOf(":");
    if (colon <= 0) continue;
    current ??= new Map();
    field = raw.slice(0, colon).trim().toLowerCase();
    current.set(field, raw.slice(colon + 1).trim());
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** The first line of a field (for fields like License whose later lines are the text). */
export function firstLine(value: string | undefined): string {
  return (value ?? "").split("\n", 1)[0]!.trim();
}
