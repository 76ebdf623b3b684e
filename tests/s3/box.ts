/**
 * Shared pieces of the cloud-sync integration tests: the [sync] pacing that makes the worker quick
 * (probe, scan and retry in tens of milliseconds), the settings body for a store, and a way to
 * record a frame the way the frame pipeline does — FITS file written durably, then its row.
 */
import { join } from "node:path";
import type { FrameRepository } from "../../core/store/frames.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { ACCESS_KEY, BUCKET, SECRET_KEY } from "./store.ts";

export const FAST_SYNC_TOML = `
[sync]
probe_interval_s = 0.2
scan_interval_s = 0.2
retry_base_s = 0.05
retry_max_s = 0.5
max_attempts = 3
request_attempts = 4
request_retry_base_ms = 20
request_timeout_s = 10
`;

export function syncConfig(endpoint: string, extra: Record<string, unknown> = {}) {
  return {
    enabled: true,
    endpoint,
    region: "us-east-1",
    bucket: BUCKET,
    prefix: "box1",
    addressing: "path",
    access_key_id: ACCESS_KEY,
    secret_access_key: SECRET_KEY,
    part_size_mb: 5,
    sync_since: "2000-01-01T00:00:00Z",
    ...extra,
  };
}

/** Writes a 16-bit FITS frame of `widthPx × heightPx` random pixels and records its row. */
export async function recordFrame(
  frames: Pick<FrameRepository, "insert">,
  dataDir: string,
  o: {
    id: string;
    object: string | null;
    widthPx: number;
    heightPx: number;
    startedAt: string;
    frameType?: "light" | "dark";
  },
): Promise<{ path: string; bytes: number }> {
  const pixels = new Uint16Array(o.widthPx * o.heightPx);
  for (let i = 0; i < pixels.length; i += 16_384) {
    crypto.getRandomValues(pixels.subarray(i, Math.min(pixels.length, i + 16_384)));
  }
  const relative = `${o.object ?? "calibration"}/${o.id}.fits`;
  const path = join(dataDir, "frames", relative);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeFile(
    path,
    encodeFits({ widthPx: o.widthPx, heightPx: o.heightPx, pixels }, [{
      key: "OBJECT",
      value: o.object ?? "",
    }]),
  );
  const bytes = (await Deno.stat(path)).size;
  await frames.insert({
    id: o.id,
    path: `frames/${relative}`,
    frame_type: o.frameType ?? "light",
    duration_s: 60,
    gain: 100,
    offset: 10,
    binning: 1,
    width: o.widthPx,
    height: o.heightPx,
    filter: "Ha",
    object: o.object,
    started_at: o.startedAt,
    sensor_temp_c: -10,
    bytes,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    frame_number: null,
    wcs: null,
  });
  return { path: `frames/${relative}`, bytes };
}
