/**
 * Just enough XML to read S3's answers (ListBucketResult, InitiateMultipartUploadResult,
 * CompleteMultipartUploadResult, ListMultipartUploadsResult, Error): elements, text, the five
 * named entities and numeric references, CDATA. Namespaces are dropped to local names; attributes
 * are ignored (S3 carries nothing we need in them). Not a validating parser: malformed input gives
 * a best-effort tree, and callers check for the elements they need.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The element's own text (not its children's), entities decoded. */
  text: string;
}

const TOKEN =
  /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>/g;

/** Parses `text`; the root is a synthetic element named "" holding the document element. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: "", children: [], text: "" };
  const stack = [root];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const top = stack[stack.length - 1]!;
    top.text += decodeEntities(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) {
      top.text += m[1];
      continue;
    }
    const name = m[3];
    if (name === undefined) continue; // declaration, comment, doctype
    const local = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
    if (m[2] === "/") {
      // Close the nearest open element of that name; tolerate a stray closing tag.
      const at = stack.findLastIndex((e) => e.name === local);
      if (at > 0) stack.length = at;
      continue;
    }
    const element: XmlElement = { name: local, children: [], text: "" };
    top.children.push(element);
    if (m[4] !== "/") stack.push(element);
  }
  for (const element of walk(root)) element.text = element.text.trim();
  return root;
}

function* walk(element: XmlElement): Generator<XmlElement> {
  yield element;
  for (const child of element.children) yield* walk(child);
}

/** The first child named `name`, or undefined. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** The text of the first child named `name`, or undefined. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  return child(element, name)?.text;
}

/** The document element (the first element of the document). */
export function documentElement(text: string): XmlElement | undefined {
  return parseXml(text).children[0];
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return NAMED[ref] ?? whole;
  });
}

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`,
  );
}
