/**
 * The names of a mount's tracking rates and pier sides, shared by the astro maths (meridian
 * flips, hour-angle rates) and the mount contract, which re-exports them.
 */

export const TRACKING_MODES = ["sidereal", "lunar", "solar", "king"] as const;
export type TrackingRate = typeof TRACKING_MODES[number];
/** A tracking rate or "off". */
export type TrackingMode = TrackingRate | "off";
export type PierSide = "east" | "west" | "unknown";
