/**
 * What a serial mount protocol adapter provides to SerialMount: the bytes of each command for one
 * hand-controller family, and what it can and cannot do. Adapters throw RangeError when the
 * controller refuses a target, a 409 AppError on a state conflict, any Error on a garbled reply.
 * Positions here are the controller's own (its `frame`); SerialMount converts to the contract's
 * J2000.
 */
import type { Site } from "../device.ts";
import type {
  EquatorialTarget,
  GuideDirection,
  MountCapabilities,
  PierSide,
  TrackingMode,
} from "../mount.ts";
import type { MountFrame } from "../mount_frame.ts";
import type { SerialLink } from "./link.ts";

/** What one poll of the hand controller tells. */
export interface MountReport {
  raHours: number;
  decDeg: number;
  slewing: boolean;
  /** Only protocols that report them fill these in. */
  tracking?: boolean;
  parked?: boolean;
  pierSide?: PierSide;
  atHome?: boolean;
}

export interface MountProtocol {
  readonly driver: string;
  readonly description: string;
  /** The frame the controller's positions are in, on the wire both ways. */
  readonly frame: MountFrame;
  readonly canPark: boolean;
  readonly canPulseGuide: boolean;
  readonly trackingRates: MountCapabilities["trackingRates"];
  readonly defaultAlignment: MountCapabilities["alignment"];
  /** Checks the controller answers like this protocol; returns its name. */
  handshake(link: SerialLink): Promise<string>;
  poll(link: SerialLink): Promise<MountReport>;
  readPosition(link: SerialLink): Promise<EquatorialTarget>;
  /** Rejects with RangeError when the controller refuses the target, 409 on a state conflict. */
  goto(link: SerialLink, target: EquatorialTarget): Promise<void>;
  sync(link: SerialLink, position: EquatorialTarget): Promise<void>;
  abort(link: SerialLink): Promise<void>;
  setTracking(link: SerialLink, mode: TrackingMode, site: Site): Promise<void>;
  park?(link: SerialLink): Promise<void>;
  unpark?(link: SerialLink): Promise<void>;
  pulseGuide?(link: SerialLink, direction: GuideDirection, durationMs: number): Promise<void>;
}
