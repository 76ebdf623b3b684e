/**
 * What a sequence run is given: the hub, bus, clock, store, the frame sink that keeps (and
 * measures) its frames, and the hooks that later features plug in (catalog lookup, autofocus,
 * plate-solve centring). Each hook is optional; without it the run does the honest fallback
 * (coordinates required, an alert that autofocus is unavailable, no centring) instead of
 * pretending. A registry with more instruction kinds may be given (a test adds one without
 * touching the engine).
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { Database } from "../store/db.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import type { ResolveTarget } from "./instructions/kind.ts";
import type { InstructionRegistry } from "./instructions/registry.ts";
import type { CoolerControl } from "../cooler/cooler_service.ts";

export interface SequencerHooks {
  /** Catalog lookup of a target named without coordinates (J2000 hours / degrees). */
  resolveTarget?: ResolveTarget;
  /** Runs a full autofocus; rejects when it fails. */
  autofocus?: (signal: AbortSignal) => Promise<void>;
  /** Plate-solves and re-points until the target is centred (J2000); `name` names its frames. */
  centerOnTarget?: (
    target: { raHours: number; decDeg: number; name?: string },
    signal: AbortSignal,
  ) => Promise<void>;
  /** Why starting is refused right now (e.g. unsafe weather), or null when it may start. */
  mayStart?: () => string | null;
}

export interface SequencerContext {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  db: Database;
  dataDir: string;
  /** Keeps every frame: file pattern, frame number, frame_ready, then the star figures. */
  sink: FrameSink;
  defaults: { gain: number; offset: number };
  /** The box's cooler service: cool_down and warm_up ramp through it, as the API does. */
  cooler: CoolerControl;
  hooks: SequencerHooks;
  /** The instruction kinds the run knows (default: the box's registry). */
  instructions?: InstructionRegistry;
}

/** Why a run stopped early: the user aborted, or the box is shutting down (resume later). */
export class RunStopped extends Error {
  readonly kind: "aborted" | "interrupted";
  constructor(kind: "aborted" | "interrupted", message: string) {
    super(message);
    this.name = "RunStopped";
    this.kind = kind;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
