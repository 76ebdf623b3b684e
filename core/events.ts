/**
 * The event catalogue: every WebSocket event type with its payload schema and delivery class.
 * `status` events are coalesced per client (a slow phone gets the latest value, not a backlog);
 * `discrete` events are queued and never silently dropped. Producers publish through the bus,
 * which validates against this catalogue in tests and development.
 */
import { z } from "zod";
import { RIG_EVENT_SCHEMAS } from "../devices/rig.ts";
import { FrameDto, FrameFiguresDto } from "./schemas/camera.ts";
import { CaptureStatusDto, MasterDto } from "./schemas/calibration.ts";
import { LivestackStatusDto } from "./schemas/livestack.ts";
import { MountStatusDto } from "./schemas/mount.ts";
import { AutofocusFailedDto, AutofocusPointDto, AutofocusResultDto } from "./schemas/focuser.ts";
import { CenteredDto, CenteringAttemptDto } from "./schemas/centering.ts";
import { STATUS_EVENT_SCHEMAS } from "./schemas/status_events.ts";
import { SyncProgressDto, SyncState } from "./schemas/sync.ts";
import { POWER_ACTIONS } from "./schemas/system.ts";
import { PrefetchJobDto, UpstreamChangedDto } from "./schemas/hips.ts";
import { GuideStepDto } from "./schemas/guider.ts";
import { SequencerStatusDto } from "./schemas/sequencer_status.ts";
import { TelemetryDto } from "./schemas/telemetry.ts";
import { AlpacaStatusDto } from "./schemas/alpaca_bridge.ts";
import { JoinAttemptDto, WifiStatusDto } from "./schemas/wifi.ts";
import { StagedReleaseDto, UPDATE_STATES, UpdateStatusDto } from "./schemas/update.ts";

export { ALERT_LEVELS } from "../devices/rig.ts";
export type { AlertLevel } from "../devices/rig.ts";
const Arcmin = z.number().describe("arcminutes");

export const EVENT_CATALOGUE = {
  "mount.status": {
    delivery: "status",
    description: "Position and tracking state; 10 Hz while slewing, 1 Hz otherwise",
    schema: MountStatusDto,
  },
  "mount.centering": {
    delivery: "discrete",
    description: "A centring attempt was solved (or its solve failed): the error and what is next",
    schema: CenteringAttemptDto,
  },
  "mount.centered": {
    delivery: "discrete",
    description: "Centring on a target ended: within tolerance, failed (with why) or aborted",
    schema: CenteredDto,
  },
  "camera.frame_ready": {
    delivery: "discrete",
    description:
      "A frame was downloaded, saved durably and recorded; its star figures follow in camera.frame_analyzed",
    schema: FrameDto,
  },
  "camera.frame_analyzed": {
    delivery: "discrete",
    description:
      "A saved frame's star analysis ended: median HFR and FWHM (px), star count, eccentricity",
    schema: FrameFiguresDto,
  },
  "camera.expose_progress": {
    delivery: "status",
    // Progress of an exposure that has ended is misleading: a new client is not shown it.
    replay: false,
    description: "Exposure progress, 1 Hz while exposing",
    schema: z.object({
      frame_id: z.string(),
      progress: z.number().describe("0..1"),
      percent: z.number().describe("0..100"),
      elapsed_s: z.number(),
      remaining_s: z.number(),
      state: z.enum(["exposing", "reading", "downloading"]),
    }),
  },
  "camera.exposure_failed": {
    delivery: "discrete",
    description: "An exposure was aborted or failed; nothing was saved",
    schema: z.object({ frame_id: z.string(), reason: z.string(), aborted: z.boolean() }),
  },
  "guiding.stats_update": {
    delivery: "status",
    description: "RA/Dec/total RMS in arcsec and the last correction, 1 Hz",
    schema: z.object({
      rms_ra: z.number().nullable(),
      rms_dec: z.number().nullable(),
      rms_total: z.number().nullable(),
      star: z.object({ x: z.number(), y: z.number(), snr: z.number() }).nullable(),
    }),
  },
  "guiding.step": {
    delivery: "status",
    // A phone that keeps up gets every step; a slow one the latest (it may drop steps, never
    // stall). Not replayed: the graph's first paint comes from GET /guiding/history.
    replay: false,
    description: "One guide step (about 1 Hz while guiding): RA/Dec error, pulses, star",
    schema: GuideStepDto,
  },
  "guiding.state_changed": {
    delivery: "discrete",
    description: "Guiding, Paused, Lost, Calibrating …",
    schema: z.object({ state: z.string(), previous: z.string().nullable() }),
  },
  "sequencer.step_changed": {
    delivery: "discrete",
    description: "A new step, filter or target started",
    schema: z.object({
      sequence_id: z.string(),
      step: z.number(),
      target: z.string().nullable(),
      filter: z.string().nullable(),
      description: z.string(),
    }),
  },
  "sequencer.progress": {
    delivery: "status",
    description: "The sequence run's status as GET /sequencer/status gives it (state, current " +
      "instruction and its frames, frame n of the plan, elapsed, ETA), on every change and at " +
      "its end",
    schema: SequencerStatusDto,
  },
  "sequencer.frame_saved": {
    delivery: "discrete",
    description: "A sequence frame was saved, with HFR and star count",
    schema: FrameDto.extend({ sequence_id: z.string(), frame_index: z.number() }),
  },
  "solver.result": {
    delivery: "discrete",
    description: "A plate solve finished",
    schema: z.object({
      id: z.string(),
      status: z.enum(["solved", "failed"]),
      ra: z.number().nullable(),
      dec: z.number().nullable(),
      position_angle: z.number().nullable(),
      pixel_scale: z.number().nullable(),
      solver: z.string().nullable(),
      error: z.string().nullable(),
    }),
  },
  "solver.download_progress": {
    delivery: "discrete",
    description: "A solver database download progressed, was installed or failed",
    schema: z.object({
      database: z.string(),
      state: z.enum(["downloading", "verifying", "installed", "failed"]),
      received_bytes: z.number(),
      total_bytes: z.number().nullable(),
      percent: z.number().nullable().describe("0..100 when the size is known"),
      error: z.string().nullable(),
    }),
  },
  "device.connected": {
    delivery: "discrete",
    description: "A device connected to its role",
    schema: RIG_EVENT_SCHEMAS["device.connected"],
  },
  "device.disconnected": {
    delivery: "discrete",
    description: "A device disconnected or was lost",
    schema: RIG_EVENT_SCHEMAS["device.disconnected"],
  },
  "weather.update": {
    delivery: "status",
    description: "Weather conditions and the safety verdict (every 60 s and on change of verdict)",
    schema: STATUS_EVENT_SCHEMAS.weather,
  },
  "scheduler.target_started": {
    delivery: "discrete",
    description: "The scheduler started a new target",
    schema: z.object({ plan_id: z.string(), target: z.string(), reason: z.string() }),
  },
  "scheduler.safety_alert": {
    delivery: "discrete",
    description: "Conditions turned unsafe (or safe again) and what the box did",
    schema: z.object({ safe: z.boolean(), reasons: z.array(z.string()), action: z.string() }),
  },
  "dome.shutter_changed": {
    delivery: "discrete",
    description: "Shutter state transition",
    schema: z.object({
      shutter: z.enum(["open", "closed", "opening", "closing", "error"]),
      previous: z.enum(["open", "closed", "opening", "closing", "error"]).nullable(),
    }),
  },
  "polar_alignment.error_computed": {
    delivery: "discrete",
    description: "Polar axis error in altitude and azimuth",
    schema: z.object({
      alt_error_arcmin: Arcmin,
      az_error_arcmin: Arcmin,
      total_error_arcmin: Arcmin,
      alt_direction: z.enum(["up", "down"]),
      az_direction: z.enum(["left", "right"]),
    }),
  },
  "alert": {
    delivery: "discrete",
    description: "Something the user should know: info, warning, error, critical",
    schema: RIG_EVENT_SCHEMAS["alert"],
  },
  "calibration.progress": {
    delivery: "discrete",
    description: "A calibration capture run took a frame, started building, or ended",
    schema: CaptureStatusDto,
  },
  "calibration.master_built": {
    delivery: "discrete",
    description: "A calibration master was built and added to the library",
    schema: z.object({ master: MasterDto, run_id: z.string().nullable() }),
  },
  "livestack.updated": {
    delivery: "discrete",
    description: "The live stack changed: a frame stacked or rejected, started, stopped, reset",
    schema: LivestackStatusDto,
  },
  "autofocus.point": {
    delivery: "discrete",
    description: "An autofocus point was measured (or skipped): the phone draws the V-curve",
    schema: AutofocusPointDto,
  },
  "autofocus.completed": {
    delivery: "discrete",
    description: "Autofocus found and verified best focus; the focuser is there",
    schema: AutofocusResultDto,
  },
  "autofocus.failed": {
    delivery: "discrete",
    description: "Autofocus refused its curve or stopped; the focuser was restored",
    schema: AutofocusFailedDto,
  },
  "sync.progress": {
    delivery: "status",
    // The progress of an upload that has ended is misleading: a new client is not shown it.
    replay: false,
    description: "Cloud sync: bytes of the item being uploaded, at most twice a second",
    schema: SyncProgressDto,
  },
  "sync.state_changed": {
    delivery: "discrete",
    description: "Cloud sync went idle, uploading, offline (no route: it waits quietly), paused …",
    schema: z.object({
      state: SyncState,
      previous: SyncState.nullable(),
      reason: z.string().nullable(),
    }),
  },
  "sync.uploaded": {
    delivery: "discrete",
    description: "A frame or database backup is in the store, verified (HEAD: size, checksum)",
    schema: z.object({
      item_id: z.number(),
      kind: z.enum(["frame", "backup"]),
      frame_id: z.string().nullable(),
      key: z.string(),
      bytes: z.number(),
      sha256: z.string(),
      etag: z.string(),
      duration_ms: z.number(),
      already_present: z.boolean().describe("an earlier run had put it there; nothing was sent"),
      resumed_parts: z.number().describe("parts confirmed before a restart, not sent again"),
      replaced: z.boolean().describe(
        "it overwrote our own older copy at the key (the frame's file changed since, e.g. solved)",
      ),
    }),
  },
  "sync.failed": {
    delivery: "discrete",
    description: "An upload attempt failed; it is retried later unless will_retry is false",
    schema: z.object({
      item_id: z.number(),
      kind: z.enum(["frame", "backup"]),
      frame_id: z.string().nullable(),
      key: z.string(),
      error: z.string(),
      attempts: z.number(),
      will_retry: z.boolean(),
      next_attempt_at: z.string().nullable(),
    }),
  },
  "sync.local_deleted": {
    delivery: "discrete",
    description: "An uploaded frame's local file was removed once the store confirmed it",
    schema: z.object({
      item_id: z.number(),
      frame_id: z.string().nullable(),
      path: z.string(),
      key: z.string(),
    }),
  },
  "sync.backup_completed": {
    delivery: "discrete",
    description:
      "A database snapshot is in the store; older ones beyond the retention were removed",
    schema: z.object({
      item_id: z.number(),
      key: z.string(),
      bytes: z.number(),
      sha256: z.string(),
      pruned: z.array(z.string()),
    }),
  },
  "sync.restore_staged": {
    delivery: "discrete",
    description:
      "A database snapshot was downloaded and checked; it replaces the database at the next start",
    schema: z.object({ key: z.string(), bytes: z.number(), sha256: z.string() }),
  },
  "camera.status": {
    delivery: "status",
    description: "Camera state: cooler and exposure, on change",
    schema: STATUS_EVENT_SCHEMAS.camera,
  },
  "focuser.status": {
    delivery: "status",
    description: "Focuser position and motion, on change",
    schema: STATUS_EVENT_SCHEMAS.focuser,
  },
  "filterwheel.status": {
    delivery: "status",
    description: "Filter wheel position, on change",
    schema: STATUS_EVENT_SCHEMAS.filterwheel,
  },
  "rotator.status": {
    delivery: "status",
    description: "Rotator angle, on change",
    schema: STATUS_EVENT_SCHEMAS.rotator,
  },
  "flatpanel.status": {
    delivery: "status",
    description: "Cover and light, on change",
    schema: STATUS_EVENT_SCHEMAS.flatpanel,
  },
  "dome.status": {
    delivery: "status",
    description: "Dome azimuth and shutter, on change",
    schema: STATUS_EVENT_SCHEMAS.dome,
  },
  "system.time_set": {
    delivery: "discrete",
    description: "The box's clock was set from the phone's (it had no better source)",
    schema: z.object({
      time_ms: z.number(),
      previous_ms: z.number().describe("the box's clock just before"),
      source: z.literal("phone"),
    }),
  },
  "system.power": {
    delivery: "discrete",
    description: "A shutdown or reboot was requested: the box parks (if configured), finishes " +
      "the frame being written and closes the database, then goes down",
    schema: z.object({ action: z.enum(POWER_ACTIONS) }),
  },
  "telemetry.update": {
    delivery: "status",
    description: "The box's health: temperature, throttling, memory, disk, Wi-Fi, every 10 s",
    schema: TelemetryDto,
  },
  "mosaic.saved": {
    delivery: "discrete",
    description: "A mosaic was saved",
    schema: z.object({
      id: z.string(),
      name: z.string(),
      rows: z.number(),
      cols: z.number(),
      panels: z.number(),
    }),
  },
  "mosaic.deleted": {
    delivery: "discrete",
    description: "A saved mosaic was deleted",
    schema: z.object({ id: z.string(), name: z.string() }),
  },
  "mosaic.planned": {
    delivery: "discrete",
    description: "A scheduler plan was made from a mosaic: one target per panel",
    schema: z.object({
      mosaic_id: z.string(),
      plan_id: z.string(),
      plan_name: z.string(),
      targets: z.number(),
    }),
  },
  "hips.prefetch_progress": {
    delivery: "status",
    description: "A HiPS prefetch job's progress, at most twice a second while it runs",
    schema: PrefetchJobDto,
  },
  "hips.prefetch_finished": {
    delivery: "discrete",
    description: "A HiPS prefetch job completed, failed or was cancelled",
    schema: PrefetchJobDto,
  },
  "hips.upstream_changed": {
    delivery: "discrete",
    description:
      "A survey's upstream server became unreachable (tiles come from the cache) or back",
    schema: UpstreamChangedDto,
  },
  "alpaca.changed": {
    delivery: "discrete",
    description: "The Alpaca bridge was switched on or off, opened or closed to the LAN, or " +
      "its exposed devices or credentials changed",
    schema: AlpacaStatusDto,
  },
  "wifi.status": {
    delivery: "status",
    description: "The radio changed: hotspot or home network, its name and the box's address",
    schema: WifiStatusDto,
  },
  "wifi.join": {
    delivery: "discrete",
    description: "A join of a home network started, succeeded or failed (with nmcli's reason; " +
      "the box is back on its hotspot then); trigger watchdog is the box going home by itself",
    schema: JoinAttemptDto,
  },
  "update.state": {
    delivery: "discrete",
    description: "An update step began or ended: checking, downloading, verifying, ready, " +
      "applying or failed (with why); what the last check found and what is staged",
    schema: z.object({
      state: z.enum(UPDATE_STATES),
      message: z.string().nullable(),
      available: UpdateStatusDto.shape.available,
      staged: StagedReleaseDto.nullable(),
    }),
  },
  "update.progress": {
    delivery: "status",
    replay: false,
    description: "Bytes of a release received so far (download or upload), every 4 MiB",
    schema: z.object({
      state: z.enum(UPDATE_STATES),
      done_bytes: z.number(),
      total_bytes: z.number().nullable(),
    }),
  },
} as const satisfies Record<
  string,
  {
    delivery: "status" | "discrete";
    /** Status events are replayed to a new client unless this is false. */
    replay?: boolean;
    description: string;
    schema: z.ZodType;
  }
>;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type EventPayload<T extends EventType> = z.infer<typeof EVENT_CATALOGUE[T]["schema"]>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/**
 * The exact WebSocket message: `{ type, ts, data }` (ts in Unix milliseconds). Without a type
 * argument it is the union over the catalogue, so checking `type` narrows `data`.
 */
export type WsEvent<T extends EventType = EventType> = T extends EventType
  ? { type: T; ts: number; data: EventPayload<T> }
  : never;

export function isStatusEvent(type: EventType): boolean {
  return EVENT_CATALOGUE[type].delivery === "status";
}

/** Whether a new WebSocket client is sent the latest event of this type on connect. */
export function isReplayed(type: EventType): boolean {
  const entry: { delivery: string; replay?: boolean } = EVENT_CATALOGUE[type];
  return entry.delivery === "status" && entry.replay !== false;
}
