/**
 * The epoch check through REST, shared by every mount family: the real server, its profile's
 * mount role pointed at a peer that speaks JNow (the INDI telescope simulator, our LX200/OnStep
 * and NexStar hand-controller simulators on a socat pty, a JNow Alpaca telescope), then
 * `POST /mount/sync`, `GET /mount/status` and `POST /mount/goto` with J2000 coordinates, while
 * the peer's own idea of where it points is read beside the API (indi_getprop, the simulator's
 * state). J2000 ↔ JNow for the expectations comes from tests/_jnow_reference.ts, a route
 * independent of the drivers' lib/astro/precession.ts.
 *
 * The figures: how far the peer really points from the J2000 position the API was given (sync
 * and goto), and how far `GET /mount/status` is from where the peer points, both in arcminutes.
 * A driver that passes JNow through as J2000 shows the precession since 2000 (10–22′, depending
 * on where in the sky) in the first two.
 */
import {
  angularSeparationDeg,
  type EquatorialCoord,
  equatorialToHorizontal,
  wrapDeg180,
  wrapHours,
} from "../../lib/astro/coords.ts";
import { assert } from "../_assert.ts";
import { referenceJ2000, referenceJNow } from "../_jnow_reference.ts";
import type { TestServer } from "./_server.ts";

/** What the test reads straight from the peer, in the peer's own frame. */
export interface JNowPeer {
  /** The profile entry of the mount role that reaches the peer. */
  mount: { driver: string; options: Record<string, unknown> };
  /** Where the peer says it points, in its own frame (JNow: true equator and equinox of date). */
  pointing(): Promise<EquatorialCoord>;
  /** The site latitude the driver pushes or the peer assumes; default the profile's. */
  latitudeDeg?: number;
}

export interface EpochFigures {
  /** Peer pointing after a J2000 sync vs that J2000 position. */
  syncErrorArcmin: number;
  /**
   * How far the peer's own (JNow) numbers are from the J2000 numbers the API was given, after
   * the sync, minus how far the reference puts JNow from J2000 there: the peer holds the J2000
   * position's JNow (about 19′ away today, in the direction precession moves it) and not the
   * J2000 numbers themselves.
   */
  syncShiftErrorArcmin: number;
  /** Peer pointing after a J2000 goto vs that J2000 position. */
  gotoErrorArcmin: number;
  /** `GET /mount/status` (J2000) vs the peer's pointing, after the goto. */
  statusErrorArcmin: number;
  /** `GET /mount/status` Alt/Az vs the sky where the peer points (largest of the two). */
  altAzErrorArcmin: number;
  /** How far JNow is from J2000 at the goto target today: what a missing conversion costs. */
  precessionArcmin: number;
}

interface StatusDto {
  connected: boolean;
  ra: number;
  dec: number;
  alt: number;
  az: number;
  lst: number;
  slewing: boolean;
}

const CONNECT_TIMEOUT_MS = 30_000;
const SLEW_TIMEOUT_MS = 60_000;

/** Points the profile's mount role at the peer and runs sync → status → goto → status. */
export async function restEpochRun(t: TestServer, peer: JNowPeer): Promise<EpochFigures> {
  const active = await t.json<{ id: string; site: { latitude: number } } & Record<string, unknown>>(
    "GET",
    "/profiles/active",
  );
  const devices = (active.devices ?? {}) as Record<string, unknown>;
  await t.json("PUT", `/profiles/${active.id}`, {
    ...active,
    devices: { ...devices, mount: peer.mount },
  });
  await waitConnected(t);
  const latitudeDeg = peer.latitudeDeg ?? active.site.latitude;

  // A position of date half an hour east of the meridian, 10° below the zenith's Dec.
  const first = await status(t);
  const ofDate = { raHours: wrapHours(first.lst + 0.5), decDeg: latitudeDeg - 10 };
  const syncJ2000 = round(referenceJ2000(ofDate, Date.now()));
  const syncRes = await t.api("POST", "/mount/sync", {
    ra: syncJ2000.raHours,
    dec: syncJ2000.decDeg,
  });
  const syncText = await syncRes.text();
  assert(syncRes.ok, `POST /mount/sync → ${syncRes.status}: ${syncText}`);
  const afterSync = await peer.pointing();
  const syncErrorArcmin = arcmin(referenceJ2000(afterSync, Date.now()), syncJ2000);
  const syncShiftErrorArcmin = Math.abs(
    arcmin(afterSync, syncJ2000) - arcmin(referenceJNow(syncJ2000, Date.now()), syncJ2000),
  );

  // A short goto from there (a long one lets the INDI simulator's RA run off by the slew time).
  const gotoJ2000 = round({
    raHours: wrapHours(syncJ2000.raHours + 2 / 60),
    decDeg: syncJ2000.decDeg + 0.4,
  });
  const gotoRes = await t.api("POST", "/mount/goto", {
    ra: gotoJ2000.raHours,
    dec: gotoJ2000.decDeg,
  });
  const gotoText = await gotoRes.text();
  assert(gotoRes.status === 202, `POST /mount/goto → ${gotoRes.status}: ${gotoText}`);
  const deadline = Date.now() + SLEW_TIMEOUT_MS;
  let settled = await status(t);
  while (settled.slewing) {
    assert(Date.now() < deadline, "the goto did not finish within 60 s");
    await new Promise((r) => setTimeout(r, 100));
    settled = await status(t);
  }
  // Read the peer and the API back to back, so tracking between the two stays negligible.
  const peerAfter = await peer.pointing();
  const reported = await status(t);
  const nowMs = Date.now();
  const peerJ2000 = referenceJ2000(peerAfter, nowMs);
  const figures: EpochFigures = {
    syncErrorArcmin,
    syncShiftErrorArcmin,
    gotoErrorArcmin: arcmin(peerJ2000, gotoJ2000),
    statusErrorArcmin: arcmin({ raHours: reported.ra, decDeg: reported.dec }, peerJ2000),
    altAzErrorArcmin: NaN,
    precessionArcmin: arcmin(referenceJNow(gotoJ2000, nowMs), gotoJ2000),
  };
  // The API's Alt/Az is of the sky where the peer points (refraction aside).
  const horizontal = equatorialToHorizontal(peerAfter, reported.lst, latitudeDeg);
  const azErrorDeg = Math.abs(wrapDeg180(reported.az - horizontal.azDeg)) *
    Math.cos(horizontal.altDeg * Math.PI / 180);
  figures.altAzErrorArcmin = Math.max(Math.abs(reported.alt - horizontal.altDeg), azErrorDeg) * 60;
  return figures;
}

/** Prints the figures as one line and checks them against the tolerances. */
export function assertEpochFigures(family: string, figures: EpochFigures, toleranceArcmin = 1) {
  const f = (n: number) => n.toFixed(2);
  console.log(
    `epoch [${family}] through REST: goto off by ${f(figures.gotoErrorArcmin)}′, sync ` +
      `${f(figures.syncErrorArcmin)}′, status vs peer ${f(figures.statusErrorArcmin)}′, alt/az ` +
      `${f(figures.altAzErrorArcmin)}′ (JNow − J2000 there: ${f(figures.precessionArcmin)}′)`,
  );
  // The test can fail: a missing conversion would cost far more than the tolerance.
  assert(figures.precessionArcmin > 5 * toleranceArcmin, "J2000 and JNow too close to tell");
  const keys = [
    "syncErrorArcmin",
    "syncShiftErrorArcmin",
    "gotoErrorArcmin",
    "statusErrorArcmin",
    "altAzErrorArcmin",
  ];
  for (const key of keys as (keyof EpochFigures)[]) {
    assert(
      figures[key] < toleranceArcmin,
      `${family}: ${key} ${f(figures[key])}′ exceeds ${toleranceArcmin}′`,
    );
  }
}

async function waitConnected(t: TestServer): Promise<void> {
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  let roles: { role: string; state: string; last_error: string | null }[] = [];
  while (Date.now() < deadline) {
    roles = (await t.json<{ devices: typeof roles }>("GET", "/devices")).devices;
    if (roles.find((r) => r.role === "mount")?.state === "connected") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the mount did not connect: ${JSON.stringify(roles)}`);
}

async function status(t: TestServer): Promise<StatusDto> {
  return await t.json<StatusDto>("GET", "/mount/status");
}

function arcmin(a: EquatorialCoord, b: EquatorialCoord): number {
  return angularSeparationDeg(a, b) * 60;
}

/** To whole arcseconds / tenths of a second, as a user would type them. */
function round(p: EquatorialCoord): EquatorialCoord {
  return {
    raHours: Math.round(p.raHours * 36_000) / 36_000,
    decDeg: Math.round(p.decDeg * 3600) / 3600,
  };
}
