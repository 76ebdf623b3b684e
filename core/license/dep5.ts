/**
 * Debian's machine-readable copyright files (DEP-5, copyright-format 1.0): which licences a
 * package is under, read from the `License:` fields of its `Files:` paragraphs. A package is
 * under all of them at once (each covers some of its files), so the package's expression is
 * their AND. Debian's expression syntax differs from SPDX's — lower-case `and`/`or`, `and`
 * binding tighter than `or` unless a comma comes first ("A or B, and C" is "(A OR B) AND C"),
 * "with X exception" — and is translated here; a copyright file in free text has no readable
 * licence, which is said, not guessed.
 */
import { firstLine, parseControl } from "./control.ts";
import { debianLicenceToSpdx } from "./debian_names.ts";
import { formatSpdx, joinSpdx, type SpdxNode } from "./spdx.ts";

/** The operands of a top-level AND chain (a single term is its own operand). */
function andTerms(node: SpdxNode): SpdxNode[] {
  return node.kind === "and" ? [...andTerms(node.left), ...andTerms(node.right)] : [node];
}

export interface CopyrightLicences {
  /** Whether the file declares the DEP-5 format. */
  machineReadable: boolean;
  /** The distinct `License:` expressions of the Files paragraphs, as written. */
  declared: string[];
  /** Their AND as an SPDX expression; null when not machine-readable or none could be read. */
  spdx: string | null;
  /** Declared expressions that could not be read as Debian licence expressions. */
  unreadable: string[];
}

const FORMAT = /copyright-format\/1\.0|dep\.debian\.net\/deps\/dep5/i;

/** One Debian licence expression (`GPL-2+ or Artistic, and BSD-3-clause`) as SPDX. */
export function debianExpressionToSpdx(text: string): SpdxNode {
  const segments = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (segments.length === 0) throw new SyntaxError("empty licence expression");
  let node = segment(segments[0]!);
  for (const seg of segments.slice(1)) {
    const m = /^(and|or)\s+(.+)$/i.exec(seg);
    if (!m) throw new SyntaxError(`"${seg}" after a comma must start with "and" or "or"`);
    node = { kind: m[1]!.toLowerCase() as "and" | "or", left: node, right: segment(m[2]!) };
  }
  return node;
}

/** A comma-free part: `or` of `and`s of terms. */
function segment(text: string): SpdxNode {
  const words = text.split(/\s+/).filter((w) => w !== "");
  const ors: SpdxNode[][] = [[]];
  let i = 0;
  while (i < words.length) {
    const name = words[i++]!;
    if (/^(and|or|with)$/i.test(name)) throw new SyntaxError(`"${text}": "${name}" out of place`);
    if (!/^[A-Za-z0-9][A-Za-z0-9.+_/-]*$/.test(name)) {
      throw new SyntaxError(`"${name}" is not a licence short name`);
    }
    let exception: string | null = null;
    if (/^with$/i.test(words[i] ?? "")) {
      const phrase: string[] = [];
      i++;
      while (i < words.length && !/^(and|or)$/i.test(words[i]!)) phrase.push(words[i++]!);
      if (phrase.length === 0) throw new SyntaxError(`"${text}": "with" names no exception`);
      exception = phrase.join(" ");
    }
    ors[ors.length - 1]!.push(debianLicenceToSpdx(name, exception));
    const op = words[i];
    if (op === undefined) break;
    if (/^or$/i.test(op)) ors.push([]);
    else if (!/^and$/i.test(op)) throw new SyntaxError(`"${text}": expected "and" or "or"`);
    i++;
    if (i >= words.length) throw new SyntaxError(`"${text}" ends with "${op}"`);
  }
  const node = joinSpdx(ors.map((ands) => joinSpdx(ands, "and")!), "or");
  if (!node) throw new SyntaxError("empty licence expression");
  return node;
}

/** What a copyright file says about licences. */
export function readCopyright(text: string): CopyrightLicences {
  const paragraphs = parseControl(text);
  const header = paragraphs[0];
  if (!header || !FORMAT.test(header.get("format") ?? "")) {
    return { machineReadable: false, declared: [], spdx: null, unreadable: [] };
  }
  const files = paragraphs.filter((p) => p.has("files") && p.has("license"));
  // A file with no Files paragraphs may still state one licence for everything in its header.
  const sources = files.length > 0 ? files : [header].filter((p) => p.has("license"));
  const declared = [...new Set(sources.map((p) => firstLine(p.get("license"))).filter(Boolean))];
  const nodes: SpdxNode[] = [];
  const seen = new Set<string>();
  const unreadable: string[] = [];
  for (const expr of declared) {
    try {
      // "GPL-3+" and "GPL-3+ and ISC" both say GPL-3+: each licence of the AND is named once.
      for (const term of andTerms(debianExpressionToSpdx(expr))) {
        const key = formatSpdx(term);
        if (!seen.has(key)) nodes.push(term);
        seen.add(key);
      }
    } catch {
      unreadable.push(expr);
    }
  }
  const joined = unreadable.length > 0 ? null : joinSpdx(nodes, "and");
  return { machineReadable: true, declared, spdx: joined && formatSpdx(joined), unreadable };
}
