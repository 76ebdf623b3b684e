/**
 * One Alpaca device seen over HTTP: GET and PUT of its members with ClientID and an increasing
 * ClientTransactionID, one request at a time (the contract's "one command at a time per device"),
 * each with a deadline. A 200 with ErrorNumber ≠ 0 becomes the matching contract error through
 * lib/alpaca/errors.ts; a 400 or a dead socket becomes an Error naming the member.
 */
import { fromAlpacaError } from "../../lib/alpaca/errors.ts";
import {
  IMAGE_BYTES_MIME,
  imageBytesErrorMessage,
  readImageBytesHeader,
} from "../../lib/alpaca/image_bytes.ts";

export interface AlpacaTarget {
  host: string;
  port: number;
  /** Lower-case path segment, e.g. "telescope". */
  type: string;
  deviceNumber: number;
  timeoutMs: number;
}

export class AlpacaHttp {
  readonly #target: AlpacaTarget;
  readonly #base: string;
  readonly #clientId = 1 + Math.floor(Math.random() * 65535);
  #transactionId = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(target: AlpacaTarget) {
    this.#target = target;
    const host = target.host.includes(":") ? `[${target.host}]` : target.host;
    this.#base = `http://${host}:${target.port}/api/v1/${target.type}/${target.deviceNumber}`;
  }

  get<T = unknown>(member: string, query: Record<string, string | number> = {}): Promise<T> {
    const params = this.#ids(query);
    return this.#serial(async () =>
      this.#value(member, await this.#fetch(member, `${this.#base}/${member}?${params}`))
    ) as Promise<T>;
  }

  put(member: string, form: Record<string, string | number | boolean> = {}): Promise<unknown> {
    const body = this.#ids(form).toString();
    return this.#serial(async () =>
      this.#value(
        member,
        await this.#fetch(member, `${this.#base}/${member}`, {
          method: "PUT",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
        }),
      )
    );
  }

  /** The ImageArray as ImageBytes (falls back to JSON when the server ignores the Accept). */
  imageArray(): Promise<Uint8Array | { Value: number[][] }> {
    const params = this.#ids({});
    return this.#serial(async () => {
      const res = await this.#fetch("imagearray", `${this.#base}/imagearray?${params}`, {
        headers: { accept: `${IMAGE_BYTES_MIME}, application/json` },
      });
      if ((res.headers.get("content-type") ?? "").includes(IMAGE_BYTES_MIME)) {
        const bytes = new Uint8Array(await res.arrayBuffer());
        const header = readImageBytesHeader(bytes);
        if (header.errorNumber !== 0) {
          throw fromAlpacaError(
            header.errorNumber,
            imageBytesErrorMessage(bytes, header),
            "camera.imagearray",
          );
        }
        return bytes;
      }
      const json = await this.#json("imagearray", res);
      return json as { Value: number[][] };
    });
  }

  #ids(values: Record<string, string | number | boolean>): URLSearchParams {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(values)) params.set(key, String(value));
    params.set("ClientID", String(this.#clientId));
    params.set("ClientTransactionID", String(++this.#transactionId));
    return params;
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #fetch(member: string, url: string, init: RequestInit = {}): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#target.timeoutMs);
    try {
      const res = await fetch(url, { ...init, signal: controller.signal });
      if (res.status !== 200) {
        const text = await res.text();
        throw new Error(
          `${this.#target.type}.${member}: HTTP ${res.status}: ${text.slice(0, 200)}`,
        );
      }
      return res;
    } catch (err) {
      if (controller.signal.aborted) {
        throw new Error(
          `${this.#target.type}.${member}: no answer within ${this.#target.timeoutMs} ms`,
        );
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async #json(member: string, res: Response): Promise<Record<string, unknown>> {
    const json = await res.json() as Record<string, unknown>;
    const errorNumber = Number(json.ErrorNumber ?? 0);
    if (errorNumber !== 0) {
      throw fromAlpacaError(
        errorNumber,
        String(json.ErrorMessage ?? ""),
        `${this.#target.type}.${member}`,
      );
    }
    return json;
  }

  async #value(member: string, res: Response): Promise<unknown> {
    return (await this.#json(member, res)).Value;
  }
}
