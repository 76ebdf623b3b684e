/**
 * Who else holds the rig: centring slews the mount and exposes the camera, so the endpoint must
 * not start under a polar alignment, a running sequence, an autofocus run or an exposure — each
 * would see its frames or its pointing change under it. Read from each service's own status, so
 * nothing has to remember to tell centring.
 */
import type { AutofocusService } from "../autofocus/service.ts";
import type { ExposureService } from "../camera/exposure_service.ts";
import type { PolarAlignmentService } from "../polar/polar_service.ts";
import type { SequencerService } from "../sequencer/service.ts";

export interface RigUsers {
  polarAlignment: Pick<PolarAlignmentService, "status">;
  sequencer: Pick<SequencerService, "status">;
  autofocus: Pick<AutofocusService, "status">;
  exposures: Pick<ExposureService, "busy">;
}

/** Why the rig is taken right now, or null when centring may start. */
export function rigOwner(users: () => RigUsers): () => string | null {
  return () => {
    const u = users();
    const polar = u.polarAlignment.status().phase;
    if (polar === "measuring" || polar === "adjusting") return "polar alignment is running";
    const sequence = u.sequencer.status();
    if (sequence.state === "running") {
      return `sequence "${sequence.sequence_name ?? sequence.sequence_id}" is running`;
    }
    if (u.autofocus.status().state === "running") return "autofocus is running";
    if (u.exposures.busy) return "an exposure is running";
    return null;
  };
}
