/**
 * The centring loop's ports over the real rig: gotos and syncs through the hub's mount, via the
 * pointing model exactly as `POST /mount/goto` does (the contract is J2000 both ways); frames
 * exposed through the hub's camera and saved like any frame (real files the user can open); the
 * plate solve injected. Every wait has a deadline and follows the run's AbortSignal.
 */
import type { Rig } from "../../devices/rig.ts";
import type { EquatorialCoord } from "../../lib/astro/coords.ts";
import { resolveRequest } from "../camera/exposure_service.ts";
import type { Clock } from "../../lib/clock.ts";
import type { PointingService } from "../pointing/pointing_service.ts";
import type { CenteringState } from "../schemas/centering.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import { waitForSlew } from "../device_wait.ts";
import type { CapturedFrame, CenteringPorts, CenteringSolveFn } from "./types.ts";

export interface RigPortsOptions {
  hub: Rig;
  clock: Clock;
  /** Where the frames are kept (their number and name come from it). */
  sink: FrameSink;
  pointing: Pick<PointingService, "demandFor">;
  solve: CenteringSolveFn;
  cameraDefaults: { gain: number; offset: number };
}

export interface FrameSettings {
  exposureS: number;
  binning: number;
  gain: number | undefined;
  settleS: number;
  /** OBJECT of the saved frames. */
  object: string;
}

export function rigPorts(
  o: RigPortsOptions,
  frame: FrameSettings,
  phase: (state: CenteringState) => void,
): CenteringPorts {
  const mount = () => o.hub.device("mount");
  return {
    canSync: mount().capabilities.canSync,
    async goto(aim, signal) {
      const device = mount();
      // Through the model when `[pointing] apply`: the optics, not the axes, land on the aim.
      const demand = await o.pointing.demandFor(
        aim,
        device.status(),
        device.capabilities.alignment,
      );
      signal.throwIfAborted();
      await device.slewTo(demand);
      await waitForSlew(device, o.clock, signal);
      if (frame.settleS > 0) await o.clock.sleep(frame.settleS * 1000, signal);
    },
    async sync(solved, signal) {
      const device = mount();
      // With the model applied, the mount's coordinates are "mount" coordinates: where the model
      // says the axes must be for the optics to be on a sky position. Syncing the raw solved
      // position would make them sky coordinates, and the next goto would add the model's
      // correction a second time. So the sync is to the model's mount position for the solved
      // sky position: it absorbs only what the model did not predict, and the model stays valid.
      // Without the model `demandFor` returns the solved position itself.
      const position = await o.pointing.demandFor(
        solved,
        device.status(),
        device.capabilities.alignment,
      );
      signal.throwIfAborted();
      await device.sync(position);
    },
    capture: (_attempt, signal) => capture(o, frame, signal),
    solve: o.solve,
    position(): EquatorialCoord {
      const status = mount().status();
      return { raHours: status.raHours, decDeg: status.decDeg };
    },
    now: () => o.clock.now(),
    phase,
  };
}

async function capture(
  o: RigPortsOptions,
  settings: FrameSettings,
  signal: AbortSignal,
): Promise<CapturedFrame> {
  const camera = o.hub.device("camera");
  const request = resolveRequest(camera, {
    duration: settings.exposureS,
    binning: settings.binning,
    gain: settings.gain,
  }, o.cameraDefaults);
  const raw = await camera.expose(request, signal);
  const { dto } = await o.sink.save(raw, { object: settings.object });
  signal.throwIfAborted();
  return { frameId: dto.id, relativePath: dto.path, absolutePath: o.sink.pathOf(dto) };
}
