/**
 * Incremental parser for INDI's rootless XML stream. Bytes go in as they come off the socket —
 * an element may be split anywhere across reads, a read may hold many elements — and each
 * completed top-level element comes out as a small tree. The body of a `oneBLOB` (base64, maybe
 * tens of megabytes) never becomes a string: it is decoded chunk by chunk into a Uint8Array
 * (base64_sink.ts). Other text and tags are size-capped so a garbage peer cannot exhaust memory.
 * It knows XML only as far as INDI uses it: elements, attributes, text, the five named entities
 * and numeric references; processing instructions and comments are skipped.
 */
import { Base64Sink } from "./base64_sink.ts";

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  /** Text content with entities decoded (empty for a oneBLOB, whose bytes are in `blob`). */
  text: string;
  children: XmlElement[];
  /** Decoded payload of a `oneBLOB`. */
  blob?: Uint8Array;
}

export interface XmlStreamLimits {
  /** Longest tag (name and attributes), bytes. */
  maxTagBytes: number;
  /** Longest text of a non-BLOB element, bytes. */
  maxTextBytes: number;
}

const LT = 0x3c;
const GT = 0x3e;
const QUOTE = 0x22;
const APOS = 0x27;
const BLOB_TAG = "oneBLOB";

interface Open {
  element: XmlElement;
  textParts: Uint8Array[];
  textBytes: number;
  sink: Base64Sink | null;
}

export class IndiXmlStream {
  readonly #limits: XmlStreamLimits;
  readonly #decoder = new TextDecoder();
  #stack: Open[] = [];
  #inTag = false;
  #quote = 0;
  #tag = new Uint8Array(256);
  #tagLength = 0;

  constructor(limits: Partial<XmlStreamLimits> = {}) {
    this.#limits = { maxTagBytes: 64 * 1024, maxTextBytes: 4 * 1024 * 1024, ...limits };
  }

  /** Feeds one read; returns the top-level elements it completed. Throws on malformed XML. */
  push(chunk: Uint8Array): XmlElement[] {
    const done: XmlElement[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#inTag) {
        i = this.#scanTag(chunk, i, done);
        continue;
      }
      const lt = chunk.indexOf(LT, i);
      const end = lt === -1 ? chunk.length : lt;
      if (end > i) this.#text(chunk.subarray(i, end));
      if (lt === -1) break;
      this.#inTag = true;
      this.#tagLength = 0;
      this.#quote = 0;
      i = lt + 1;
    }
    return done;
  }

  /** True between elements: nothing half-parsed is held. */
  get idle(): boolean {
    return this.#stack.length === 0 && !this.#inTag;
  }

  #text(bytes: Uint8Array): void {
    const open = this.#stack.at(-1);
    if (!open) return; // whitespace between top-level elements
    if (open.sink) {
      open.sink.push(bytes);
      return;
    }
    open.textBytes += bytes.length;
    if (open.textBytes > this.#limits.maxTextBytes) {
      throw new Error(
        `INDI XML: text of <${open.element.tag}> exceeds ${this.#limits.maxTextBytes} bytes`,
      );
    }
    open.textParts.push(bytes.slice());
  }

  /** Collects tag bytes up to the closing '>' (outside quotes); returns the next index. */
  #scanTag(chunk: Uint8Array, start: number, done: XmlElement[]): number {
    for (let i = start; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.#quote !== 0) {
        if (c === this.#quote) this.#quote = 0;
      } else if (c === QUOTE || c === APOS) {
        this.#quote = c;
      } else if (c === GT) {
        this.#appendTag(chunk.subarray(start, i));
        this.#inTag = false;
        this.#closeTag(done);
        return i + 1;
      }
    }
    this.#appendTag(chunk.subarray(start));
    return chunk.length;
  }

  #appendTag(bytes: Uint8Array): void {
    const needed = this.#tagLength + bytes.length;
    if (needed > this.#limits.maxTagBytes) {
      throw new Error(`INDI XML: a tag exceeds ${this.#limits.maxTagBytes} bytes`);
    }
    if (needed > this.#tag.length) {
      const grown = new Uint8Array(Math.max(needed, this.#tag.length * 2));
      grown.set(this.#tag.subarray(0, this.#tagLength));
      this.#tag = grown;
    }
    this.#tag.set(bytes, this.#tagLength);
    this.#tagLength = needed;
  }

  #closeTag(done: XmlElement[]): void {
    const raw = this.#decoder.decode(this.#tag.subarray(0, this.#tagLength));
    if (raw.startsWith("?") || raw.startsWith("!")) return; // <?xml …?>, comments, doctype
    if (raw.startsWith("/")) {
      this.#end(raw.slice(1).trim(), done);
      return;
    }
    const selfClosing = raw.endsWith("/");
    const body = selfClosing ? raw.slice(0, -1) : raw;
    const match = /^([A-Za-z_][\w.:-]*)/.exec(body);
    if (!match) throw new Error(`INDI XML: malformed tag <${raw.slice(0, 60)}>`);
    const tag = match[1]!;
    const element: XmlElement = {
      tag,
      attrs: parseAttributes(body.slice(tag.length)),
      text: "",
      children: [],
    };
    const parent = this.#stack.at(-1);
    if (parent) {
      if (parent.sink) throw new Error(`INDI XML: <${tag}> inside <${BLOB_TAG}>`);
      parent.element.children.push(element);
    }
    const size = Number(element.attrs.size ?? 0);
    const sink = tag === BLOB_TAG
      ? new Base64Sink(Number.isFinite(size) && size > 0 && size < 2 ** 31 ? size : 0)
      : null;
    this.#stack.push({ element, textParts: [], textBytes: 0, sink });
    if (selfClosing) this.#end(tag, done);
  }

  #end(tag: string, done: XmlElement[]): void {
    const open = this.#stack.pop();
    if (!open) throw new Error(`INDI XML: </${tag}> without an open element`);
    if (open.element.tag !== tag) {
      throw new Error(`INDI XML: </${tag}> closes <${open.element.tag}>`);
    }
    if (open.sink) {
      open.element.blob = open.sink.finish();
    } else if (open.textParts.length > 0) {
      open.element.text = decodeEntities(this.#joinText(open.textParts, open.textBytes));
    }
    if (this.#stack.length === 0) done.push(open.element);
  }

  #joinText(parts: Uint8Array[], total: number): string {
    if (parts.length === 1) return this.#decoder.decode(parts[0]);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    return this.#decoder.decode(joined);
  }
}

function parseAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (const m of text.matchAll(pattern)) attrs[m[1]!] = decodeEntities(m[2] ?? m[3] ?? "");
  return attrs;
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes XML entities; an unknown one is left as written rather than failing the element. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith("#x")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return NAMED[name] ?? whole;
  });
}

/** Escapes text for an attribute or element body of an outgoing INDI command. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) =>
      `&${
        ({ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" } as Record<string, string>)[
          c
        ]
      };`,
  );
}
