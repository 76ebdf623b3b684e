/**
 * SPDX licence expressions (SPDX 2.3 annex D): parsed into a tree and written back in one
 * canonical form — operators in capitals, parentheses only where precedence needs them — so
 * `(MIT AND Zlib)` and `mit and zlib` compare equal while `MIT OR Apache-2.0` stays an
 * expression and is never collapsed to one of its licences. Whether an identifier is on the SPDX
 * list is the caller's question (the build-time generator checks it against the list; Debian's
 * names are mapped onto it in debian_names.ts), so this module carries no list.
 */

/** A licence (`MIT`, `GPL-2.0+`, `LicenseRef-x`), optionally `WITH` an exception. */
export interface SpdxLicenceNode {
  kind: "licence";
  id: string;
  /** The `+` suffix: this version or any later one. */
  plus: boolean;
  exception: string | null;
}

export interface SpdxCompoundNode {
  kind: "and" | "or";
  left: SpdxNode;
  right: SpdxNode;
}

export type SpdxNode = SpdxLicenceNode | SpdxCompoundNode;

export class SpdxSyntaxError extends Error {
  override name = "SpdxSyntaxError";
}

const IDSTRING = /^[A-Za-z0-9.-]+$/;
const TOKEN = /\s*(\(|\)|[^\s()]+)/y;

function tokens(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text)) !== null) out.push(m[1]!);
  if (text.slice(TOKEN.lastIndex).trim() !== "") {
    throw new SpdxSyntaxError(`unreadable text at "${text.slice(TOKEN.lastIndex)}"`);
  }
  return out;
}

/** Parses an SPDX expression; throws SpdxSyntaxError naming what is wrong. */
export function parseSpdx(text: string): SpdxNode {
  const t = tokens(text);
  if (t.length === 0) throw new SpdxSyntaxError("empty licence expression");
  let i = 0;
  const peek = () => t[i];
  const upper = (s: string | undefined) => s?.toUpperCase();

  // OR binds weakest, then AND, then WITH (SPDX annex D, "Order of precedence").
  function orExpr(): SpdxNode {
    let node = andExpr();
    while (upper(peek()) === "OR") {
      i++;
      node = { kind: "or", left: node, right: andExpr() };
    }
    return node;
  }
  function andExpr(): SpdxNode {
    let node = term();
    while (upper(peek()) === "AND") {
      i++;
      node = { kind: "and", left: node, right: term() };
    }
    return node;
  }
  function term(): SpdxNode {
    const tok = t[i++];
    if (tok === undefined) throw new SpdxSyntaxError(`"${text}" ends where a licence was expected`);
    if (tok === "(") {
      const inner = orExpr();
      if (t[i++] !== ")") throw new SpdxSyntaxError(`"${text}" has an unclosed parenthesis`);
      return inner;
    }
    if (tok === ")" || ["AND", "OR", "WITH"].includes(tok.toUpperCase())) {
      throw new SpdxSyntaxError(`"${text}" has "${tok}" where a licence was expected`);
    }
    const plus = tok.endsWith("+");
    const id = plus ? tok.slice(0, -1) : tok;
    if (!IDSTRING.test(id)) {
      throw new SpdxSyntaxError(`"${tok}" is not a licence identifier (letters, digits, . and -)`);
    }
    let exception: string | null = null;
    if (upper(peek()) === "WITH") {
      i++;
      const exc = t[i++];
      if (exc === undefined || !IDSTRING.test(exc)) {
        throw new SpdxSyntaxError(`"${text}": WITH must be followed by an exception identifier`);
      }
      exception = exc;
    }
    return { kind: "licence", id, plus, exception };
  }

  const node = orExpr();
  if (i < t.length) {
    throw new SpdxSyntaxError(`"${text}" has "${t[i]}" after a complete expression`);
  }
  return node;
}

/** The canonical text of an expression: capital operators, only the parentheses needed. */
export function formatSpdx(node: SpdxNode): string {
  if (node.kind === "licence") {
    return `${node.id}${node.plus ? "+" : ""}${node.exception ? ` WITH ${node.exception}` : ""}`;
  }
  const side = (child: SpdxNode) =>
    // An OR inside an AND needs its parentheses; everything else binds at least as tightly.
    node.kind === "and" && child.kind === "or" ? `(${formatSpdx(child)})` : formatSpdx(child);
  return `${side(node.left)} ${node.kind.toUpperCase()} ${side(node.right)}`;
}

/** Every licence node of the expression, left to right. */
export function spdxLicences(node: SpdxNode): SpdxLicenceNode[] {
  return node.kind === "licence"
    ? [node]
    : [...spdxLicences(node.left), ...spdxLicences(node.right)];
}

/** Rewrites each licence node (e.g. to correct an identifier's case). */
export function mapSpdxLicences(
  node: SpdxNode,
  fn: (n: SpdxLicenceNode) => SpdxLicenceNode,
): SpdxNode {
  return node.kind === "licence"
    ? fn(node)
    : { ...node, left: mapSpdxLicences(node.left, fn), right: mapSpdxLicences(node.right, fn) };
}

/** Joins expressions with one operator, each parenthesised as needed. */
export function joinSpdx(nodes: SpdxNode[], kind: "and" | "or"): SpdxNode | null {
  return nodes.reduce<SpdxNode | null>(
    (acc, node) => acc === null ? node : { kind, left: acc, right: node },
    null,
  );
}

/** Whether `id` is a user-defined reference rather than a listed licence. */
export function isLicenceRef(id: string): boolean {
  return /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/.test(id);
}
