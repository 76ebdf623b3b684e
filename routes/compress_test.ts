/**
 * The compression middleware on a small Hono app: which answers it compresses (text-like, above
 * the threshold, by the client's Accept-Encoding and q-values) and which it leaves alone (short,
 * binary, already encoded, partial, ranged, HEAD, no-transform), with every compressed body
 * decoded and compared byte for byte with the plain one.
 */
import { Hono } from "hono";
import { assert, assertEquals } from "../tests/_assert.ts";
import { chooseEncoding, compress } from "./compress.ts";

const BIG = { items: Array.from({ length: 400 }, (_, i) => ({ id: i, name: `item ${i}` })) };
const BIG_TEXT = JSON.stringify(BIG);

function app(): Hono {
  const a = new Hono();
  a.use("*", compress({ thresholdBytes: 1024 }));
  a.get("/big", (c) => c.json(BIG));
  a.get("/small", (c) => c.json({ ok: true }));
  a.get(
    "/short-stream",
    (c) => c.body(new Blob(["x".repeat(100)]).stream(), 200, { "content-type": "text/plain" }),
  );
  a.get("/stream", (c) => {
    // Many small chunks and no Content-Length, like a streamed export of text.
    const chunks = Array.from({ length: 200 }, (_, i) => `line ${i} ${"·".repeat(40)}\n`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    return c.body(body, 200, { "content-type": "application/x-ndjson" });
  });
  a.get(
    "/jpeg",
    (c) => c.body(new Uint8Array(5000).fill(7), 200, { "content-type": "image/jpeg" }),
  );
  a.get(
    "/fits",
    (c) => c.body(new Uint8Array(5000).fill(1), 200, { "content-type": "application/fits" }),
  );
  a.get("/gz", (c) =>
    c.body(new Uint8Array(5000), 200, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    }));
  a.get("/no-transform", (c) => {
    c.header("cache-control", "no-transform");
    return c.json(BIG);
  });
  a.get("/etag", (c) => {
    c.header("etag", '"abc"');
    return c.json(BIG);
  });
  a.get("/vary", (c) => {
    c.header("vary", "Origin");
    return c.json(BIG);
  });
  return a;
}

async function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return await app().fetch(new Request(`http://box${path}`, { method, headers }));
}

async function decoded(res: Response): Promise<string> {
  const encoding = res.headers.get("content-encoding");
  const format = encoding === "br" ? "brotli" : encoding === "gzip" ? "gzip" : null;
  const body = res.body!;
  const stream = format === null
    ? body
    : body.pipeThrough(new DecompressionStream(format as CompressionFormat));
  return await new Response(stream).text();
}

Deno.test("chooseEncoding: br before gzip, q-values, wildcards, refusals", () => {
  assertEquals(chooseEncoding(undefined), null);
  assertEquals(chooseEncoding(""), null);
  assertEquals(chooseEncoding("identity"), null);
  assertEquals(chooseEncoding("gzip, deflate, br")?.[0], "br");
  assertEquals(chooseEncoding("gzip, deflate")?.[0], "gzip");
  assertEquals(chooseEncoding("br;q=0.5, gzip")?.[0], "gzip");
  assertEquals(chooseEncoding("br;q=0, gzip;q=0")?.[0], undefined);
  assertEquals(chooseEncoding("*")?.[0], "br");
  assertEquals(chooseEncoding("*;q=0.1, gzip;q=0.5")?.[0], "gzip");
  assertEquals(chooseEncoding("GZIP ; Q=0.8")?.[0], "gzip");
  assertEquals(chooseEncoding("br;q=oops")?.[0], undefined);
});

Deno.test("JSON above the threshold: br or gzip as accepted, decoding to the same text", async () => {
  for (const [accept, expected] of [["br, gzip", "br"], ["gzip", "gzip"]] as const) {
    const res = await get("/big", { "accept-encoding": accept });
    assertEquals(res.headers.get("content-encoding"), expected);
    assertEquals(res.headers.get("content-length"), null);
    assertEquals(res.headers.get("vary"), "Accept-Encoding");
    assertEquals(res.headers.get("content-type"), "application/json");
    const bytes = new Uint8Array(await res.clone().arrayBuffer());
    assert(
      bytes.length < BIG_TEXT.length / 4,
      `${expected}: ${bytes.length} of ${BIG_TEXT.length}`,
    );
    assertEquals(await decoded(res), BIG_TEXT);
  }
  const plain = await get("/big");
  assertEquals(plain.headers.get("content-encoding"), null);
  assertEquals(plain.headers.get("vary"), "Accept-Encoding", "a cache must key on the header");
  assertEquals(await plain.text(), BIG_TEXT);
});

Deno.test("a streamed text answer without a length is compressed whole", async () => {
  const plain = await (await get("/stream")).text();
  assertEquals(plain.split("\n").length, 201);
  const res = await get("/stream", { "accept-encoding": "gzip" });
  assertEquals(res.headers.get("content-encoding"), "gzip");
  assertEquals(await decoded(res), plain);
});

Deno.test("left alone: short, binary, encoded, HEAD, ranged, no-transform", async () => {
  const accept = { "accept-encoding": "br, gzip" };
  for (const path of ["/small", "/short-stream", "/jpeg", "/fits", "/gz", "/no-transform"]) {
    const res = await get(path, accept);
    const expected = path === "/gz" ? "gzip" : null;
    assertEquals(res.headers.get("content-encoding"), expected, path);
    await res.body?.cancel();
  }
  assertEquals(await (await get("/small", accept)).text(), '{"ok":true}');
  assertEquals((await get("/short-stream", accept)).headers.get("vary"), "Accept-Encoding");
  assertEquals(new Uint8Array(await (await get("/fits", accept)).arrayBuffer()).length, 5000);
  const head = await get("/big", accept, "HEAD");
  assertEquals(head.headers.get("content-encoding"), null);
  const ranged = await get("/big", { ...accept, range: "bytes=0-99" });
  assertEquals(ranged.headers.get("content-encoding"), null, "a byte range means the plain bytes");
  assertEquals(await ranged.text(), BIG_TEXT);
});

Deno.test("an ETag of a compressed answer turns weak; an existing Vary is kept", async () => {
  const accept = { "accept-encoding": "gzip" };
  const etag = await get("/etag", accept);
  assertEquals(etag.headers.get("etag"), 'W/"abc"');
  await etag.body?.cancel();
  const plain = await get("/etag");
  assertEquals(plain.headers.get("etag"), '"abc"');
  await plain.body?.cancel();
  const vary = await get("/vary", accept);
  assertEquals(vary.headers.get("vary"), "Origin, Accept-Encoding");
  assertEquals(await decoded(vary), BIG_TEXT);
});
