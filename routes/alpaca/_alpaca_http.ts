/**
 * A raw Alpaca HTTP helper for the bridge's own tests: sends exactly the keys and values a test
 * gives (wrong case, garbage and all), so the protocol rules can be checked byte for byte.
 */
export interface RawAnswer {
  status: number;
  contentType: string;
  /** Parsed JSON for a 200 application/json answer, else null. */
  json: Record<string, unknown> | null;
  text: string;
}

export function alpacaHttp(baseUrl: string) {
  async function read(res: Response): Promise<RawAnswer> {
    const text = await res.text();
    const contentType = res.headers.get("content-type") ?? "";
    return {
      status: res.status,
      contentType,
      json: res.status === 200 && contentType.includes("json") ? JSON.parse(text) : null,
      text,
    };
  }
  return {
    async get(path: string, query: Record<string, string> = {}): Promise<RawAnswer> {
      const qs = new URLSearchParams(query).toString();
      return read(await fetch(`${baseUrl}${path}${qs ? `?${qs}` : ""}`));
    },
    async put(path: string, form: Record<string, string> = {}): Promise<RawAnswer> {
      return read(
        await fetch(`${baseUrl}${path}`, {
          method: "PUT",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(form).toString(),
        }),
      );
    },
    async bytes(path: string, accept: string): Promise<{ status: number; body: Uint8Array }> {
      const res = await fetch(`${baseUrl}${path}`, { headers: { accept } });
      return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}
