/**
 * INDI frame download: MB/s of a large CCD1 BLOB from indi_simulator_ccd (4096×4096 16-bit, ~32 MB
 * decoded, ~45 MB of base64 on the wire) through our client (socket → incremental parser → base64
 * decode → property cache) against the raw socket reading the same stream and only looking for
 * the closing tag. Both time from sending the 10 ms exposure to the last byte, so the simulator's
 * frame rendering is in both; the ratio shows what the client costs on top of the wire.
 */
import { IndiClient } from "../../devices/indi/client.ts";
import { hasIndiServer, startIndiServer } from "../indi/indiserver.ts";
import { report } from "./_util.ts";

const DEVICE = "CCD Simulator";
const SIZE_PX = 4096;
const ROUNDS = 3;

export async function indiBench(): Promise<void> {
  if (!hasIndiServer()) {
    report("indi_download", { skipped: "indiserver not installed (apt-get install indi-bin)" });
    return;
  }
  const server = await startIndiServer(["indi_simulator_ccd"]);
  try {
    await prepare(server.port);
    const client = [];
    const raw = [];
    for (let i = 0; i < ROUNDS; i++) {
      client.push(await throughClient(server.port));
      raw.push(await rawSocket(server.port));
    }
    const best = (xs: { mbPerS: number; wireMB: number }[]) =>
      xs.reduce((a, b) => (b.mbPerS > a.mbPerS ? b : a));
    const c = best(client);
    const r = best(raw);
    report("indi_download", {
      frame: `${SIZE_PX}x${SIZE_PX}x16`,
      wire_MB: c.wireMB,
      client_MB_per_s: c.mbPerS,
      raw_socket_MB_per_s: r.mbPerS,
      client_vs_raw: c.mbPerS / r.mbPerS,
    });
  } finally {
    await server.stop();
  }
}

/** Sets the simulated sensor size and connects the camera, raw FITS to the client. */
async function prepare(port: number): Promise<void> {
  const client = await IndiClient.open("127.0.0.1", port);
  try {
    await client.getProperties(DEVICE);
    await client.waitFor(DEVICE, "SIMULATOR_SETTINGS", () => true, 5000, "settings");
    await client.command(
      () =>
        client.sendNumbers(DEVICE, "SIMULATOR_SETTINGS", { SIM_XRES: SIZE_PX, SIM_YRES: SIZE_PX }),
      DEVICE,
      "SIMULATOR_SETTINGS",
      5000,
    );
    await client.sendSwitches(DEVICE, "CONNECTION", { CONNECT: true });
    await client.waitFor(DEVICE, "CCD_EXPOSURE", () => true, 10000, "the camera");
  } finally {
    await client.close();
  }
}

async function throughClient(port: number): Promise<{ mbPerS: number; wireMB: number }> {
  const client = await IndiClient.open("127.0.0.1", port);
  try {
    await client.getProperties(DEVICE);
    await client.waitFor(DEVICE, "CCD1", () => true, 5000, "the camera's BLOB");
    await client.enableBlob(DEVICE, "CCD1", "Also");
    const before = client.cache.get(DEVICE, "CCD1")?.revision ?? 0;
    const startMs = performance.now();
    await client.sendNumbers(DEVICE, "CCD_EXPOSURE", { CCD_EXPOSURE_VALUE: 0.01 });
    const v = await client.waitFor(
      DEVICE,
      "CCD1",
      (v) => v.revision > before && v.type === "BLOB" && v.members.get("CCD1")?.value != null,
      60000,
      "the frame",
    );
    const seconds = (performance.now() - startMs) / 1000;
    const member = v.type === "BLOB" ? v.members.get("CCD1") : undefined;
    const decodedBytes = member?.value?.length ?? 0;
    const wireMB = (Math.ceil(decodedBytes / 3) * 4) / 1e6; // base64 body, line breaks aside
    return { mbPerS: wireMB / seconds, wireMB };
  } finally {
    await client.close();
  }
}

async function rawSocket(port: number): Promise<{ mbPerS: number; wireMB: number }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const enc = new TextEncoder();
    await conn.write(enc.encode(`<getProperties version="1.7" device="${DEVICE}"/>\n`));
    await conn.write(enc.encode(`<enableBLOB device="${DEVICE}" name="CCD1">Also</enableBLOB>\n`));
    const buffer = new Uint8Array(1024 * 1024);
    // The ~100 kB of property definitions arrive in the timed window too: <0.3 % of the frame.
    const startMs = performance.now();
    await conn.write(enc.encode(
      `<newNumberVector device="${DEVICE}" name="CCD_EXPOSURE"><oneNumber name="CCD_EXPOSURE_VALUE">0.01</oneNumber></newNumberVector>\n`,
    ));
    const closing = enc.encode("</setBLOBVector>");
    let bytes = 0;
    let tail = new Uint8Array(0);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) throw new Error("indiserver closed during the raw read");
      bytes += n;
      const window = new Uint8Array(tail.length + Math.min(n, 64));
      window.set(tail);
      window.set(buffer.subarray(Math.max(0, n - 64), n), tail.length);
      if (new TextDecoder().decode(window).includes("</setBLOBVector>")) break;
      tail = buffer.slice(Math.max(0, n - closing.length), n);
    }
    const seconds = (performance.now() - startMs) / 1000;
    return { mbPerS: bytes / 1e6 / seconds, wireMB: bytes / 1e6 };
  } finally {
    conn.close();
  }
}

if (import.meta.main) await indiBench();
