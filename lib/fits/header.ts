/**
 * FITS header cards (FITS Standard 4.0, §4): formatting our cards into 80-character ASCII
 * records and parsing records back. Values use the fixed format every reader accepts — logicals
 * in column 30, numbers right-justified in columns 11–30, strings quoted from column 11 and
 * padded to at least 8 characters — and a string too long for one card continues on CONTINUE
 * cards (the long-string convention, §4.2.1.2), so an 80-character OBJECT is never truncated.
 */

export type FitsValue = string | number | boolean | null;

export interface FitsCard {
  key: string;
  /** null writes an undefined value (columns 11–80 blank but for the comment). */
  value: FitsValue;
  comment?: string;
  /** Write a number as a real even when it is integral (EXPTIME = 1.0, not 1). */
  real?: boolean;
}

export const CARD_CHARS = 80;
export const BLOCK_BYTES = 2880;
export const CARDS_PER_BLOCK = BLOCK_BYTES / CARD_CHARS;

/** Keys whose text follows column 8 directly, without a value indicator. */
const COMMENTARY_KEYS = new Set(["COMMENT", "HISTORY", ""]);
const KEY_PATTERN = /^[A-Z0-9_-]{0,8}$/;
/** Longest string piece on one card: 70 value columns less two quotes and the `&` marker. */
const PIECE_CHARS = 67;

/** Throws RangeError unless `key` is a legal keyword: ≤ 8 of A–Z, 0–9, `-`, `_`. */
export function validateKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new RangeError(
      `FITS keyword ${
        JSON.stringify(key)
      } is invalid: use at most 8 characters of A-Z, 0-9, '-', '_'`,
    );
  }
  if (key === "END" || key === "CONTINUE") {
    throw new RangeError(`FITS keyword ${key} is reserved for the writer`);
  }
}

function assertPrintable(text: string, what: string): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code > 126) {
      throw new RangeError(
        `${what} contains a character (code ${code}) outside printable ASCII: ${
          JSON.stringify(text)
        }`,
      );
    }
  }
}

/** A real in at most 20 characters that always shows a decimal point, exponent as `E`. */
export function formatReal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`FITS cannot store the number ${value}`);
  for (let digits = 17; digits >= 1; digits--) {
    let text = digits === 17 ? String(value) : value.toPrecision(digits);
    let [mantissa = "", exponent] = text.toUpperCase().split("E");
    if (!mantissa.includes(".")) mantissa += ".0";
    text = exponent === undefined ? mantissa : `${mantissa}E${exponent}`;
    if (text.length <= 20) return text;
  }
  throw new RangeError(`FITS cannot format the number ${value} in 20 characters`);
}

function formatNumber(card: FitsCard, value: number): string {
  // Beyond 2^53 a JS number is no longer an exact integer, so it is written as the real it is.
  if (!card.real && Number.isSafeInteger(value)) return String(value);
  return formatReal(value);
}

function quote(piece: string): string {
  return `'${piece.replaceAll("'", "''")}'`;
}

/** Splits a string into pieces whose quoted form fits a card, never splitting a doubled quote. */
function splitLongString(text: string): string[] {
  const pieces: string[] = [];
  let current = "";
  let width = 0;
  for (const ch of text) {
    const cost = ch === "'" ? 2 : 1;
    if (width + cost > PIECE_CHARS) {
      pieces.push(current);
      current = "";
      width = 0;
    }
    current += ch;
    width += cost;
  }
  pieces.push(current);
  return pieces;
}

function withComment(head: string, comment: string | undefined): string {
  if (comment === undefined || comment === "") return head.padEnd(CARD_CHARS);
  const line = `${head} / ${comment}`;
  // A comment is the only part of a card that may be shortened without losing data.
  return line.length > CARD_CHARS ? line.slice(0, CARD_CHARS) : line.padEnd(CARD_CHARS);
}

/** Formats one card as one or more 80-character records (more only for long strings). */
export function formatCard(card: FitsCard): string[] {
  validateKey(card.key);
  if (card.comment !== undefined) assertPrintable(card.comment, `FITS ${card.key} comment`);
  const key = card.key.padEnd(8);
  if (COMMENTARY_KEYS.has(card.key)) {
    const text = card.value === null ? "" : String(card.value);
    assertPrintable(text, `FITS ${card.key} text`);
    if (text.length > 72) throw new RangeError(`FITS ${card.key} text exceeds 72 characters`);
    return [(key + text).padEnd(CARD_CHARS)];
  }
  const value = card.value;
  if (value === null) return [withComment(`${key}= `.padEnd(30), card.comment)];
  if (typeof value === "boolean") {
    return [withComment(`${key}= ${(value ? "T" : "F").padStart(20)}`, card.comment)];
  }
  if (typeof value === "number") {
    return [withComment(`${key}= ${formatNumber(card, value).padStart(20)}`, card.comment)];
  }
  assertPrintable(value, `FITS ${card.key} value`);
  const quoted = quote(value.padEnd(8));
  if (quoted.length <= 70) return [withComment(`${key}= ${quoted.padEnd(20)}`, card.comment)];
  const pieces = splitLongString(value);
  return pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    const text = quote(last ? piece : `${piece}&`);
    return i === 0
      ? `${key}= ${text}`.padEnd(CARD_CHARS)
      : withComment(`CONTINUE  ${text}`, last ? card.comment : undefined);
  });
}

/** Parses the value field (columns 11–80) into a value and a comment. */
function parseValueField(field: string, key: string): { value: FitsValue; comment?: string } {
  const text = field.trimStart();
  if (text.startsWith("'")) {
    let i = 1;
    let out = "";
    while (true) {
      const close = text.indexOf("'", i);
      if (close < 0) throw new Error(`FITS ${key}: string value has no closing quote`);
      out += text.slice(i, close);
      if (text[close + 1] === "'") {
        out += "'";
        i = close + 2;
        continue;
      }
      const rest = text.slice(close + 1);
      const slash = rest.indexOf("/");
      // Trailing blanks in a FITS string are not significant; leading ones are.
      return { value: out.trimEnd(), ...commentOf(slash < 0 ? undefined : rest.slice(slash + 1)) };
    }
  }
  const slash = text.indexOf("/");
  const raw = (slash < 0 ? text : text.slice(0, slash)).trim();
  const comment = commentOf(slash < 0 ? undefined : text.slice(slash + 1));
  if (raw === "") return { value: null, ...comment };
  if (raw === "T" || raw === "F") return { value: raw === "T", ...comment };
  if (/^[+-]?\d+$/.test(raw)) return { value: Number.parseInt(raw, 10), ...comment };
  const real = raw.replace(/[dD]/, "E");
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(real)) {
    return { value: Number.parseFloat(real), ...comment };
  }
  // Complex numbers and other exotica are kept as their text; we never write them.
  return { value: raw, ...comment };
}

function commentOf(text: string | undefined): { comment?: string } {
  const trimmed = text?.trim();
  return trimmed ? { comment: trimmed } : {};
}

/**
 * Parses header records up to END. Returns the cards (CONTINUE folded into their string) and
 * the index of the END record. Throws Error with the card number when a record is malformed.
 */
export function parseHeaderRecords(
  records: string[],
): { cards: FitsCard[]; endIndex: number } {
  const cards: FitsCard[] = [];
  let continuing: FitsCard | null = null;
  for (let index = 0; index < records.length; index++) {
    const record = records[index] ?? "";
    const key = record.slice(0, 8).trimEnd();
    if (key === "END" && record.slice(8).trim() === "") return { cards, endIndex: index };
    if (!/^[A-Z0-9_-]*$/.test(key) || record.slice(0, 8).trimEnd().includes(" ")) {
      throw new Error(
        `FITS header card ${index + 1} has an invalid keyword ${JSON.stringify(key)}`,
      );
    }
    if (key === "CONTINUE" && continuing && record.slice(8, 10) !== "= ") {
      const part = parseValueField(record.slice(8), key);
      if (typeof part.value !== "string") {
        throw new Error(`FITS header card ${index + 1}: CONTINUE without a string value`);
      }
      const previous = continuing.value as string;
      continuing.value = previous.slice(0, -1) + part.value;
      if (part.comment !== undefined) continuing.comment = part.comment;
      continuing = part.value.endsWith("&") ? continuing : null;
      continue;
    }
    continuing = null;
    if (record.slice(8, 10) !== "= " || COMMENTARY_KEYS.has(key)) {
      cards.push({ key, value: record.slice(8).trimEnd() || null });
      continue;
    }
    let parsed: { value: FitsValue; comment?: string };
    try {
      parsed = parseValueField(record.slice(10), key);
    } catch (err) {
      throw new Error(`FITS header card ${index + 1}: ${(err as Error).message}`);
    }
    const card: FitsCard = { key, value: parsed.value };
    if (parsed.comment !== undefined) card.comment = parsed.comment;
    cards.push(card);
    if (typeof card.value === "string" && card.value.endsWith("&")) continuing = card;
  }
  throw new Error("FITS header has no END card");
}
