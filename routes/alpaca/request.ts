/**
 * The wire rules of an Alpaca request and answer (alpaca.md, as ConformU checks them): query keys
 * are case-insensitive, form keys must be cased as the spec spells them, a value that cannot be
 * parsed is a 400 in plain text naming the parameter, and every 200 carries the transaction ids,
 * ErrorNumber and ErrorMessage with exact key casing. Range checks are the device's business and
 * come back as ErrorNumber 0x401 inside a 200.
 */
import type { AlpacaError } from "../../lib/alpaca/errors.ts";

/** The request could not be understood: answered 400 with the message as plain text. */
export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadRequest";
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const UINT32_MAX = 4_294_967_295;

/** The parameters of one request, looked up with Alpaca's casing rules. */
export class AlpacaParams {
  readonly #caseSensitive: boolean;
  readonly #values = new Map<string, string>();

  /** GET: from the query, keys case-insensitive. PUT: from the form body, keys exact. */
  constructor(entries: Iterable<[string, string]>, caseSensitive: boolean) {
    this.#caseSensitive = caseSensitive;
    for (const [key, value] of entries) {
      const k = caseSensitive ? key : key.toLowerCase();
      if (!this.#values.has(k)) this.#values.set(k, value);
    }
  }

  static async from(request: Request, url: URL): Promise<AlpacaParams> {
    if (request.method === "PUT") {
      const body = await request.text();
      return new AlpacaParams(new URLSearchParams(body), true);
    }
    return new AlpacaParams(url.searchParams, false);
  }

  /** The raw value, or undefined when the parameter was not sent (with this exact key on PUT). */
  raw(name: string): string | undefined {
    return this.#values.get(this.#caseSensitive ? name : name.toLowerCase());
  }

  string(name: string): string {
    const value = this.raw(name);
    if (value === undefined) throw new BadRequest(`${name}: missing parameter`);
    return value;
  }

  number(name: string): number {
    const text = this.string(name).trim();
    if (!DECIMAL.test(text)) throw new BadRequest(`${name}: "${text}" is not a decimal number`);
    return Number(text);
  }

  int(name: string): number {
    const text = this.string(name).trim();
    if (!/^[+-]?\d+$/.test(text)) throw new BadRequest(`${name}: "${text}" is not an integer`);
    return Number(text);
  }

  bool(name: string): boolean {
    const text = this.string(name).trim().toLowerCase();
    if (text === "true") return true;
    if (text === "false") return false;
    throw new BadRequest(`${name}: "${text}" is not true or false`);
  }

  /** ClientID / ClientTransactionID: absent → 0; present but not a uint32 → 400. */
  uint32OrZero(name: string): number {
    const text = this.raw(name);
    if (text === undefined) return 0;
    if (!/^\d+$/.test(text.trim()) || Number(text) > UINT32_MAX) {
      throw new BadRequest(`${name}: "${text}" is not an unsigned 32-bit integer`);
    }
    return Number(text);
  }
}

export interface TransactionIds {
  clientTransactionId: number;
  serverTransactionId: number;
}

/** A 200 answer: ids, ErrorNumber, ErrorMessage, and Value when there is one. */
export function alpacaAnswer(
  ids: TransactionIds,
  result: { value?: unknown; error?: AlpacaError },
): Response {
  const body: Record<string, unknown> = {
    ClientTransactionID: ids.clientTransactionId,
    ServerTransactionID: ids.serverTransactionId,
    ErrorNumber: result.error?.errorNumber ?? 0,
    ErrorMessage: result.error?.message ?? "",
  };
  if (!result.error && result.value !== undefined) body.Value = result.value;
  return Response.json(body);
}

/** A management answer (`configureddevices`, `description`, `apiversions`). */
export function managementAnswer(ids: TransactionIds, value: unknown): Response {
  return Response.json({
    Value: value,
    ClientTransactionID: ids.clientTransactionId,
    ServerTransactionID: ids.serverTransactionId,
    ErrorNumber: 0,
    ErrorMessage: "",
  });
}

export function badRequest(message: string, status = 400): Response {
  return new Response(message, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
