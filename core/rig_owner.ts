/**
 * Who holds the rig. Centring, polar alignment and autofocus each slew the mount or move the
 * focuser and expose the camera, so none may start under another, under a running sequence or
 * under an exposure — each would see its frames or its pointing change under it. Read from each
 * service's own status, so nothing has to remember to tell the others. A sequence's own centring
 * and autofocus run inside it and do not ask.
 */
import type { AutofocusService } from "./autofocus/service.ts";
import type { ExposureService } from "./camera/exposure_service.ts";
import type { CenteringService } from "./centering/centering_service.ts";
import type { PolarAlignmentService } from "./polar/polar_service.ts";
import type { SequencerService } from "./sequencer/service.ts";

export interface RigUsers {
  polarAlignment: Pick<PolarAlignmentService, "status">;
  centering: Pick<CenteringService, "busy">;
  sequencer: Pick<SequencerService, "status">;
  autofocus: Pick<AutofocusService, "status">;
  exposures: Pick<ExposureService, "busy">;
}

/** The routine asking: it never counts as its own obstacle. */
export type RigRoutine = "centring" | "polar alignment" | "autofocus";

/** Why the rig is taken right now by someone other than `self`, or null when it is free. */
export function rigOwner(users: () => RigUsers, self: RigRoutine): () => string | null {
  return () => {
    const u = users();
    const polar = u.polarAlignment.status().phase;
    if (self !== "polar alignment" && (polar === "measuring" || polar === "adjusting")) {
      return "polar alignment is running";
    }
    if (self !== "centring" && u.centering.busy) return "centring is running";
    const sequence = u.sequencer.status();
    if (sequence.state === "running") {
      return `sequence "${sequence.sequence_name ?? sequence.sequence_id}" is running`;
    }
    if (self !== "autofocus" && u.autofocus.status().state === "running") {
      return "autofocus is running";
    }
    if (u.exposures.busy) return "an exposure is running";
    return null;
  };
}
