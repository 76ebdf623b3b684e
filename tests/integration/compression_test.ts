/**
 * Compression on the real box over a real socket: the OpenAPI document comes brotli- or
 * gzip-encoded as asked and decodes (in Deno, and in curl with its own zlib and libbrotli) to
 * exactly the plain document; the downloads stay what they were — a frame's FITS file byte for
 * byte with or without a Range header, the streamed zip export, the already-gzipped log download
 * (never gzipped twice) — and the event socket still works beside it.
 */
import { assert, assertEquals } from "../_assert.ts";
import { useFastSimulators, withServer } from "./_server.ts";

function hasCurl(): boolean {
  try {
    return new Deno.Command("curl", { args: ["--version"], stdout: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

async function curl(args: string[]): Promise<Uint8Array> {
  const out = await new Deno.Command("curl", { args: ["-sS", "--max-time", "60", ...args] })
    .output();
  if (!out.success) {
    throw new Error(`curl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

/**
 * A raw HTTP/1.1 GET: the body as it crossed the wire (chunked framing removed, content coding
 * kept) and the headers. Deno's fetch decodes a coded body whatever the request asked, so the
 * bytes are read off a plain TCP socket instead.
 */
async function raw(url: string, acceptEncoding: string, extra: Record<string, string> = {}) {
  const { hostname, port, pathname, search } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const lines = [
    `GET ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    `Accept-Encoding: ${acceptEncoding}`,
    "Connection: close",
    ...Object.entries(extra).map(([k, v]) => `${k}: ${v}`),
  ];
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  const all = new Uint8Array(await new Response(conn.readable).arrayBuffer());
  const end = all.findIndex((_, i) =>
    all[i] === 13 && all[i + 1] === 10 && all[i + 2] === 13 && all[i + 3] === 10
  );
  const head = new TextDecoder().decode(all.subarray(0, end)).split("\r\n");
  const status = Number(head[0]!.split(" ")[1]);
  const headers = new Headers(
    head.slice(1).map((l) => {
      const colon = l.indexOf(":");
      return [l.slice(0, colon).trim(), l.slice(colon + 1).trim()] as [string, string];
    }),
  );
  let body: Uint8Array = all.subarray(end + 4);
  if (headers.get("transfer-encoding") === "chunked") body = unchunk(body);
  return { res: { status, headers }, bytes: body };
}

function unchunk(framed: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (true) {
    const eol = framed.indexOf(13, at);
    const size = parseInt(new TextDecoder().decode(framed.subarray(at, eol)), 16);
    if (!(size > 0)) break;
    parts.push(framed.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function decode(bytes: Uint8Array, format: string): Promise<string> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream(format as CompressionFormat));
  return await new Response(stream).text();
}

Deno.test("compression: the OpenAPI document br/gzip decodes to the plain one; downloads are untouched", async () => {
  await withServer(async (t) => {
    const base = `${t.server.url}/api/v1`;
    const plain = await raw(`${base}/openapi.json`, "identity");
    assertEquals(plain.res.headers.get("content-encoding"), null);
    const text = new TextDecoder().decode(plain.bytes);
    JSON.parse(text);
    const sizes: Record<string, number> = { identity: plain.bytes.length };
    for (const [accept, encoding, format] of [["br", "br", "brotli"], ["gzip", "gzip", "gzip"]]) {
      const { res, bytes } = await raw(`${base}/openapi.json`, accept!);
      assertEquals(res.headers.get("content-encoding"), encoding);
      assertEquals(res.headers.get("vary"), "Accept-Encoding");
      assertEquals(await decode(bytes, format!), text, `${encoding} decodes to the document`);
      sizes[encoding!] = bytes.length;
    }
    console.log(
      `openapi.json: ${sizes.identity} B plain, ${sizes.gzip} B gzip, ${sizes.br} B br`,
    );
    assert(sizes.br! < sizes.identity! / 8, JSON.stringify(sizes));
    assert(sizes.gzip! < sizes.identity! / 6, JSON.stringify(sizes));

    if (hasCurl()) {
      // Another implementation of both decoders: curl's zlib and libbrotli.
      for (const encoding of ["br", "gzip"]) {
        const viaCurl = await curl([
          "--compressed",
          "-H",
          `Accept-Encoding: ${encoding}`,
          `${base}/openapi.json`,
        ]);
        assertEquals(new TextDecoder().decode(viaCurl), text, `curl decodes ${encoding}`);
      }
    } else console.log("curl is missing: the cross-check with libbrotli/zlib is skipped");

    // A frame, for the downloads.
    await useFastSimulators(t, { sky: "random" });
    const ws = await t.events("camera.frame_ready");
    const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 0.1,
      object: "Zip test",
    });
    const ready = await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 30_000);
    const onDisk = await Deno.readFile(`${t.dataDir}/${ready.data.path}`);

    for (const extra of [{}, { range: "bytes=0-2879" }] as Record<string, string>[]) {
      const fits = await raw(`${base}/frames/${frame_id}/file`, "br, gzip", extra);
      assertEquals(fits.res.status, 200);
      assertEquals(fits.res.headers.get("content-encoding"), null, JSON.stringify(extra));
      assertEquals(fits.res.headers.get("content-length"), String(onDisk.length));
      assertEquals(fits.bytes, onDisk, "the FITS file byte for byte");
    }

    const zipped = await raw(`${base}/frames/export?object=Zip%20test`, "br, gzip");
    assertEquals(zipped.res.headers.get("content-type"), "application/zip");
    assertEquals(zipped.res.headers.get("content-encoding"), null);
    const zipPlain = await raw(`${base}/frames/export?object=Zip%20test`, "identity");
    assertEquals(zipped.bytes, zipPlain.bytes, "the streamed zip is the same either way");
    assertEquals([...zipped.bytes.subarray(0, 2)], [0x50, 0x4b]);

    const logs = await raw(`${base}/logs/download`, "br, gzip");
    assertEquals(logs.res.headers.get("content-type"), "application/gzip");
    assertEquals(logs.res.headers.get("content-encoding"), null, "not gzipped twice");
    const lines = (await decode(logs.bytes, "gzip")).trim().split("\n");
    assert(lines.length > 0 && lines.every((l) => typeof JSON.parse(l).message === "string"));

    // A short answer goes out as it is, and the socket beside it still delivers.
    const short = await raw(`${base}/focuser/status`, "br, gzip");
    assert(short.bytes.length < 1024, `${short.bytes.length} B`);
    assertEquals(short.res.headers.get("content-encoding"), null);
    JSON.parse(new TextDecoder().decode(short.bytes));
    assertEquals(ready.type, "camera.frame_ready");
  });
});
