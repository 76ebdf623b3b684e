// @ts-check
/**
 * The server's shapes as the app sees them, taken from the zod schemas and the event catalogue
 * (core/schemas/, core/events.ts), so `deno check` fails here when the API changes shape.
 * Types only: this module exports nothing at run time.
 */

/**
 * @template {import("zod").ZodType} S
 * @typedef {import("zod").infer<S>} Infer
 */

/** @typedef {import("../../core/events.ts").EventType} EventType */
/**
 * @template {EventType} T
 * @typedef {import("../../core/events.ts").EventPayload<T>} EventPayload
 */
/** @typedef {import("../../core/events.ts").WsEvent} WsEvent */

/** @typedef {Infer<typeof import("../../core/schemas/mount.ts").MountStatusDto>} MountStatus */
/** @typedef {import("../../core/schemas/camera.ts").CameraStatusDto} CameraStatus */
/** @typedef {import("../../core/schemas/camera.ts").FrameDto} Frame */
/** @typedef {import("../../core/schemas/camera.ts").ExposureParams} ExposureParams */
/** @typedef {import("../../core/schemas/frames.ts").FrameDetailDto} FrameDetail */
/** @typedef {Infer<typeof import("../../core/schemas/frames.ts").FramePage>} FramePage */
/** @typedef {Infer<typeof import("../../core/schemas/frames.ts").FrameNightsDto>} FrameNights */
/** @typedef {Infer<typeof import("../../core/schemas/frames.ts").FrameStarsDto>} FrameStars */
/** @typedef {import("../../core/schemas/histogram.ts").HistogramDto} Histogram */
/** @typedef {import("../../core/schemas/focuser.ts").FocuserStatusDto} FocuserStatus */
/** @typedef {import("../../core/schemas/focuser.ts").AutofocusStatusDto} AutofocusStatus */
/** @typedef {import("../../core/schemas/focuser.ts").AutofocusPointDto} AutofocusPoint */
/** @typedef {import("../../core/schemas/focuser.ts").AutofocusBody} AutofocusBody */
/** @typedef {import("../../core/schemas/filterwheel.ts").FilterWheelStatusDto} FilterWheelStatus */
/** @typedef {import("../../core/schemas/dome.ts").DomeStatusDto} DomeStatus */
/** @typedef {import("../../core/schemas/flatpanel.ts").FlatPanelStatusDto} FlatPanelStatus */
/** @typedef {Infer<typeof import("../../core/schemas/rotator.ts").RotatorStatusDto>} RotatorStatus */
/** @typedef {Infer<typeof import("../../core/schemas/weather.ts").WeatherStatusDto>} WeatherStatus */
/** @typedef {Infer<typeof import("../../core/schemas/guider.ts").GuidingStatusDto>} GuidingStatus */
/** @typedef {import("../../devices/rig.ts").RoleStatus} RoleStatus */
/** @typedef {import("../../core/schemas/sequence.ts").SequenceDto} Sequence */
/** @typedef {import("../../core/schemas/sequence.ts").SequenceInput} SequenceInput */
/** @typedef {import("../../core/schemas/sequence.ts").SequencerStatusDto} SequencerStatus */
/** @typedef {import("../../core/schemas/sequence.ts").CheckpointDto} Checkpoint */
/** @typedef {import("../../core/schemas/sequence.ts").TemplateDto} Template */
/** @typedef {Infer<typeof import("../../core/schemas/scheduler.ts").SchedulerStatusDto>} SchedulerStatus */
/** @typedef {Infer<typeof import("../../core/schemas/scheduler.ts").SchedulerPlanDto>} Plan */
/** @typedef {Infer<typeof import("../../core/schemas/catalog.ts").CatalogObjectDto>} CatalogObject */
/** @typedef {import("../../core/schemas/mosaic.ts").MosaicDto} Mosaic */
/** @typedef {import("../../core/schemas/mosaic.ts").MosaicRequestInput} MosaicRequest */
/** @typedef {import("../../core/schemas/mosaic.ts").MosaicStatusDto} MosaicStatus */
/** @typedef {Infer<typeof import("../../core/schemas/catalog.ts").TonightDto>} Tonight */
/** @typedef {Infer<typeof import("../../core/schemas/catalog.ts").TonightObjectDto>} TonightObject */
/** @typedef {Infer<typeof import("../../core/schemas/livestack.ts").LivestackStatusDto>} LivestackStatus */
/** @typedef {import("../../core/schemas/centering.ts").CenteringStatusDto} CenteringStatus */
/** @typedef {Infer<typeof import("../../core/schemas/polar_alignment.ts").PolarStatusDto>} PolarStatus */
/** @typedef {import("../../devices/discovery.ts").DiscoveryResult} Discovery */
/** @typedef {import("../../devices/discovery.ts").Assignment} Assignment */
/** @typedef {Infer<typeof import("../../core/profiles/schema.ts").Profile>} Profile */
/** @typedef {import("../../core/schemas/telemetry.ts").TelemetryDto} Telemetry */
/** @typedef {import("../../core/schemas/alpaca_bridge.ts").AlpacaStatusDto} AlpacaStatus */

export {};
