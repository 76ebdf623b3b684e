/**
 * The centring tests' rig: the real server's simulators with a mount that carries pointing errors
 * and a small fast camera, and a CenteringService like the box's own but with an injected solve
 * (by default the simulator's true pointing plus a little noise — what a good plate solve finds),
 * installed as `services.centering` so both the endpoint and the sequencer's hook use it.
 */
import {
  CenteringService,
  type CenteringServiceOptions,
} from "../../core/centering/centering_service.ts";
import { rigOwner } from "../../core/rig_owner.ts";
import type { CenteringSolveFn } from "../../core/centering/types.ts";
import type { CenterOptions } from "../../core/schemas/centering.ts";
import type { SimMount } from "../../devices/sim/mount.ts";
import type { TestServer } from "./_server.ts";

/** IH 600″, ID −400″ (and a little cone): roughly 12′ off, far outside any tolerance. */
export const MOUNT_ERRORS = { ihArcsec: 600, idArcsec: -400, chArcsec: 60 };

export async function useErrorSimulators(
  t: TestServer,
  mount: Record<string, unknown> = {},
): Promise<void> {
  const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
    "GET",
    "/profiles/active",
  );
  const devices = {
    ...active.devices,
    mount: { driver: "sim", options: { slewRateDegPerS: 60, ...MOUNT_ERRORS, ...mount } },
    // The injected solve needs no real sky: random stars render at once, with no catalogue load.
    camera: {
      driver: "sim",
      options: { widthPx: 320, heightPx: 240, readoutMs: 20, sky: "random" },
    },
  };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
}

/** An hour east of the meridian at Dec +30°: high in the sky, no flip on the way. */
export async function eastTarget(t: TestServer): Promise<{ ra: number; dec: number }> {
  const status = await t.json<{ lst: number }>("GET", "/mount/status");
  return { ra: (status.lst + 1) % 24, dec: 30 };
}

export function simMount(t: TestServer): SimMount {
  return t.server.services.hub.device("mount") as unknown as SimMount;
}

/** The simulator's true pointing with up to ±`noiseArcsec` on each axis, after checking the file. */
export function truthSolve(t: TestServer, noiseArcsec = 2): CenteringSolveFn {
  let n = 0;
  return async (path) => {
    await Deno.stat(path); // the frame really was written
    // Through the hub's guard every driver method is async, this one too.
    const truth = await simMount(t).trueSkyPosition();
    // Deterministic "noise": a plate solve is good to an arcsecond or two.
    n++;
    const dDecDeg = Math.sin(n * 1.7) * noiseArcsec / 3600;
    const dRaHours = Math.cos(n * 2.3) * noiseArcsec / 3600 / 15 /
      Math.cos(truth.decDeg * Math.PI / 180);
    return {
      raHours: (truth.raHours + dRaHours + 24) % 24,
      decDeg: truth.decDeg + dDecDeg,
      positionAngleDeg: 0,
      pixelScaleArcsec: 2,
    };
  };
}

/** A service like the box's, with `solve` injected; replaces `services.centering`. */
export function installCentering(
  t: TestServer,
  solve: CenteringSolveFn,
  sequenceDefaults: Partial<CenterOptions> = { exposure_s: 0.05, settle_s: 0 },
  extra: Partial<CenteringServiceOptions> = {},
): CenteringService {
  const s = t.server.services;
  const service = new CenteringService({
    hub: s.hub,
    bus: s.bus,
    clock: s.clock,
    log: s.log.child("centering"),
    sink: s.frameSink,
    pointing: s.pointing,
    solve,
    cameraDefaults: { gain: 100, offset: 10 },
    otherOwner: rigOwner(() => s, "centring"),
    sequenceDefaults,
    ...extra,
  });
  s.centering = service;
  return service;
}

export async function waitFor(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
