/**
 * The reference beside the box in server_bench.ts: the smallest Hono app that answers
 * `GET /api/v1/mount/status` (a fixed body the size of the box's) and `GET /api/v1/health`, in
 * its own process, so the box's latency under load can be read against what Hono and Deno give on
 * this machine at that moment. `deno run -A tests/bench/minimal_hono.ts <port>`.
 */
import { Hono } from "hono";

const BODY = {
  connected: true,
  ra: 5.588,
  dec: -5.39,
  alt: 32.1,
  az: 181.2,
  lst: 5.6,
  tracking: "sidereal",
  slewing: false,
  parked: false,
  pier_side: "east",
  time_to_flip_s: 3600,
};

const app = new Hono();
app.get("/api/v1/mount/status", (c) => c.json(BODY));
app.get("/api/v1/health", (c) => c.json({ ok: true }));

const port = Number(Deno.args[0] ?? 7699);
Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
