/**
 * What the guard knows about the long commands of a contract — those that take an AbortSignal
 * and run until done, like `camera.expose` — beyond their deadline: how to tell from the device's
 * status that it is still busy, and how the status must read while a call is accepted but not yet
 * begun by the device, or while the only work left is a call its caller has given up on. A call
 * the caller aborted is released at once (the caller is answered, the device counts as free); if
 * the driver has not let go, that abandoned call keeps running in the background, its late result
 * is thrown away, and the next call of the same command waits for it while the device still says
 * busy — so an old frame can never be delivered as the new one. See guard.ts.
 */
import type { CameraStatus, ExposureRequest } from "./camera.ts";
import type { DeviceKind } from "./device.ts";

export interface LaneRules<S = unknown> {
  /** True while the device is still working (on whatever call). */
  busy(status: S): boolean;
  /** The status while a call is accepted and the device has not shown it started yet. */
  accepted(status: S, args: unknown[]): S;
  /** The status while the only work left is abandoned: the device is free for the next call. */
  released(status: S): S;
}

const cameraExpose: LaneRules<CameraStatus> = {
  busy: (status) => status.exposure.state !== "idle" && status.exposure.state !== "error",
  accepted(status, args) {
    const request = args[0] as ExposureRequest;
    return {
      ...status,
      exposure: {
        state: "exposing",
        progress: 0,
        remainingS: request.durationS,
        request: { ...request },
      },
    };
  },
  released: (status) => ({
    ...status,
    exposure: { state: "idle", progress: 0, remainingS: 0, request: null },
  }),
};

export const LANES: Partial<Record<DeviceKind, Record<string, LaneRules>>> = {
  camera: { expose: cameraExpose as LaneRules },
};

export function laneRules(kind: DeviceKind, method: string): LaneRules | null {
  return LANES[kind]?.[method] ?? null;
}
