/**
 * A HiPS server for tests: a static HiPS tree generated into a temporary folder (a properties
 * file, a Norder3 Allsky and JPEG tiles of every cell at orders 3–6 around one region, each
 * tile's picture unique) served by a plain Deno.serve on loopback — a stand-in for a survey's
 * real servers, as any static web server would serve the same files. Its `mode` turns it into
 * the failures a box meets in the field: `slow` (answers after `slowMs`, or never if the client
 * gives up first), `error` (500 to
 * everything), `portal` (a hotel Wi-Fi's login page with 200 for every URL), `down` (the
 * listener closed: connection refused). It counts every request it receives, and per path the
 * ones it answered with the file.
 */
import { dirname, join } from "node:path";
import jpeg from "jpeg-js";
import { queryDisc } from "../../lib/healpix/query_disc.ts";

export type UpstreamMode = "ok" | "slow" | "error" | "portal";

export interface HipsUpstream extends AsyncDisposable {
  /** Base URL of the survey, e.g. http://127.0.0.1:PORT/hips/test */
  url: string;
  root: string;
  mode: UpstreamMode;
  slowMs: number;
  /** Requests answered with the file, per path (relative to the survey root). */
  hits: Map<string, number>;
  /** Every request received, whatever became of it. */
  requests: number;
  /** Paths of the tiles written, with their bytes. */
  tiles: Map<string, Uint8Array>;
  down(): Promise<void>;
  up(): Promise<void>;
}

export interface UpstreamOptions {
  centre: { raDeg: number; decDeg: number };
  radiusDeg: number;
  orders: number[];
  /** Side of each tile's picture in pixels (larger → bigger files). */
  tilePx?: number;
  /** Serve on this port (a restarted fixture keeps its URL); default: any free one. */
  port?: number;
}

/** A JPEG whose pixels are seeded by `seed`: unique per tile, and noisy enough to be sizeable. */
export function noiseJpeg(seed: number, sidePx: number): Uint8Array {
  let a = seed >>> 0;
  const data = new Uint8Array(sidePx * sidePx * 4);
  for (let i = 0; i < data.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    data[i] = i % 4 === 3 ? 255 : (a >>> 13) & 0xff;
  }
  return new Uint8Array(jpeg.encode({ data, width: sidePx, height: sidePx }, 90).data);
}

export async function hipsUpstream(o: UpstreamOptions): Promise<HipsUpstream> {
  const root = await Deno.makeTempDir({ prefix: "hips-upstream-" });
  const survey = join(root, "hips", "test");
  const tiles = new Map<string, Uint8Array>();
  const write = async (path: string, bytes: Uint8Array) => {
    await Deno.mkdir(dirname(join(survey, path)), { recursive: true });
    await Deno.writeFile(join(survey, path), bytes);
  };
  await write(
    "properties",
    new TextEncoder().encode([
      "creator_did          = ivo://test/P/loopback",
      "obs_title            = Loopback test survey",
      "dataproduct_type     = image",
      "hips_version         = 1.4",
      "hips_release_date    = 2026-01-01T00:00Z",
      "hips_status          = public master clonableOnce",
      "hips_tile_format     = jpeg",
      `hips_order           = ${Math.max(...o.orders)}`,
      "hips_order_min       = 0",
      "hips_tile_width      = 64",
      "hips_frame           = equatorial",
      "",
    ].join("\n")),
  );
  await write("Norder3/Allsky.jpg", noiseJpeg(7, 128));
  const side = o.tilePx ?? 64;
  for (const order of o.orders) {
    for (const npix of queryDisc(order, o.centre, o.radiusDeg)) {
      const path = `Norder${order}/Dir${Math.floor(npix / 10000) * 10000}/Npix${npix}.jpg`;
      const bytes = noiseJpeg(order * 1_000_003 + npix, side);
      tiles.set(path, bytes);
      await write(path, bytes);
    }
  }

  const hits = new Map<string, number>();
  const prefix = "/hips/test/";
  let server: Deno.HttpServer | null = null;
  let port = o.port ?? 0;
  const self: HipsUpstream = {
    url: "",
    root,
    mode: "ok",
    slowMs: 60_000,
    hits,
    requests: 0,
    tiles,
    async down() {
      await server?.shutdown();
      server = null;
    },
    up() {
      if (!server) {
        server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
        port = (server.addr as Deno.NetAddr).port;
        self.url = `http://127.0.0.1:${port}/hips/test`;
      }
      return Promise.resolve();
    },
    async [Symbol.asyncDispose]() {
      await self.down();
      await Deno.remove(root, { recursive: true });
    },
  };
  async function handler(request: Request): Promise<Response> {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (!path.startsWith(prefix) || path.includes("..")) return new Response("no", { status: 404 });
    const rel = path.slice(prefix.length);
    self.requests++;
    if (self.mode === "slow") {
      // Until the client gives up (its timeout) or slowMs, whichever is first.
      await new Promise<void>((resolve) => {
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          request.signal.removeEventListener("abort", onAbort);
          resolve();
        }, self.slowMs);
        request.signal.addEventListener("abort", onAbort, { once: true });
      });
      // The client gave up: nothing is answered (nor counted as served).
      if (request.signal.aborted) return new Response(null, { status: 499 });
    }
    if (self.mode === "error") return new Response("internal trouble", { status: 500 });
    if (self.mode === "portal") {
      return new Response("<!DOCTYPE html><html><body>Log in to the hotel Wi-Fi</body></html>", {
        headers: { "content-type": "text/html" },
      });
    }
    try {
      const bytes = await Deno.readFile(join(survey, rel));
      hits.set(rel, (hits.get(rel) ?? 0) + 1);
      const type = rel.endsWith(".jpg") ? "image/jpeg" : "text/plain";
      return new Response(bytes, { headers: { "content-type": type } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  }
  await self.up();
  return self;
}
