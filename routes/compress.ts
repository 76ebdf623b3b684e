/**
 * Compresses the API's text answers for clients that accept it: brotli when offered (smaller
 * than gzip on the API's JSON), else gzip, both streamed through Deno's CompressionStream so a
 * large answer is never held twice in memory. Only text-like types (JSON, text, JavaScript, XML, NDJSON) are touched, and
 * only above a threshold: an answer known (Content-Length) or found (its first bytes read) to be
 * shorter goes out as it is. Never compressed: images, FITS and zip downloads (already dense, or
 * streamed files a client may resume), anything already encoded (the gzipped log download), a
 * partial answer or a request for a byte range (offsets must mean the file's bytes), HEAD, and
 * answers marked `no-transform`. The WebSocket is not under this middleware at all. `Vary:
 * Accept-Encoding` goes on every answer whose encoding depends on the header; an ETag of a
 * compressed answer is made weak, as the bytes differ from the file's.
 */
import type { MiddlewareHandler } from "hono";

export interface CompressOptions {
  /** Answers shorter than this are sent as they are: compression would not pay for itself. */
  thresholdBytes?: number;
}

const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream(?:[;\s]|$))[^;\s]+|application\/(?:json|javascript|ecmascript|xml|x-ndjson|x-javascript|yaml|toml)|[^;\s/]+\/[^;\s]+\+(?:json|xml|yaml))(?:[;\s]|$)/i;

/** Our name for the client's token, and the CompressionStream format that produces it. */
const ENCODINGS = [["br", "brotli"], ["gzip", "gzip"]] as const;
type Encoding = typeof ENCODINGS[number];

/** The encoding to use for an Accept-Encoding header (q-values honoured, br on a tie), or null. */
export function chooseEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [token = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (token.trim() !== "" && Number.isFinite(value)) q.set(token.trim(), value);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const encoding of ENCODINGS) {
    const value = q.get(encoding[0]) ?? q.get("*") ?? 0;
    if (value > bestQ) [best, bestQ] = [encoding, value];
  }
  return best;
}

export function compress(options: CompressOptions = {}): MiddlewareHandler {
  const threshold = options.thresholdBytes ?? 1024;
  return async function compressAnswer(c, next) {
    await next();
    const res = c.res;
    if (
      c.req.method === "HEAD" || res.body === null || res.status === 206 ||
      res.status === 101 || c.req.header("range") !== undefined ||
      res.headers.has("content-encoding") || res.headers.has("content-range") ||
      !COMPRESSIBLE.test(res.headers.get("content-type") ?? "") ||
      /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get("cache-control") ?? "")
    ) return;
    const length = res.headers.get("content-length");
    if (length !== null && Number(length) < threshold) return;
    const vary = res.headers.get("vary");
    if (vary !== "*" && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? "")) {
      c.header("Vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
    }
    const encoding = chooseEncoding(c.req.header("accept-encoding"));
    const answer = c.res; // c.header may have replaced it
    if (encoding === null || answer.body === null) return;
    // Hono's c.json sends no Content-Length: read the first bytes to learn whether it is short.
    const reader = answer.body.getReader();
    const head: Uint8Array[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < threshold) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      head.push(value);
      headBytes += value.length;
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of head) controller.enqueue(chunk);
        if (ended) controller.close();
      },
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    if (ended && headBytes < threshold) {
      // Whole and short: sent with its length, not chunked, so an answer given before the
      // request body was read (a 413) still reaches a client the server then hangs up on.
      const whole = new Uint8Array(headBytes);
      let at = 0;
      for (const chunk of head) {
        whole.set(chunk, at);
        at += chunk.length;
      }
      c.res = new Response(whole, answer);
      return;
    }
    c.res = new Response(
      // Deno's CompressionStream takes "brotli" beside the standard formats.
      body.pipeThrough(
        new CompressionStream(encoding[1] as CompressionFormat) as TransformStream<
          Uint8Array,
          Uint8Array
        >,
      ),
      answer,
    );
    // After the assignment: Hono copies the old answer's headers onto the new one.
    c.res.headers.delete("content-length");
    c.res.headers.set("content-encoding", encoding[0]);
    const etag = c.res.headers.get("etag");
    if (etag && !etag.startsWith("W/")) c.res.headers.set("etag", `W/${etag}`);
  };
}
