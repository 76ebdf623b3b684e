/**
 * Turns device status into events. `mount.status` is sampled at 10 Hz while slewing and 1 Hz
 * otherwise (as the reference's table says); the other devices publish `<kind>.status` when their
 * driver reports a change, at most 10 times a second each; `weather.update` goes out every 60 s
 * and at once when the safety verdict flips; `dome.shutter_changed` and `guiding.state_changed`
 * mark transitions; `guiding.stats_update` runs at 1 Hz while guiding. `camera.status` carries the
 * box's cooler ramp when a source of it is given, and goes out again when the ramp changes.
 */
import { DEVICE_KINDS } from "../devices/device.ts";
import type { DeviceKind } from "../devices/device.ts";
import type { Rig } from "../devices/rig.ts";
import type { EventBus } from "./event_bus.ts";
import { toCameraStatusDto } from "./schemas/camera.ts";
import { toDomeStatusDto } from "./schemas/dome.ts";
import { toFilterWheelStatusDto } from "./schemas/filterwheel.ts";
import { toFlatPanelStatusDto } from "./schemas/flatpanel.ts";
import { toFocuserStatusDto } from "./schemas/focuser.ts";
import { toGuidingStatusDto } from "./schemas/guider.ts";
import { toMountStatusDto } from "./schemas/mount.ts";
import { toRotatorStatusDto } from "./schemas/rotator.ts";
import { toWeatherStatusDto } from "./schemas/weather.ts";
import type { CoolerRampDto } from "./schemas/cooler.ts";

/** The box's cooler ramp (core/cooler/), shown in `camera.status`. */
export interface CoolerRampSource {
  ramp(): CoolerRampDto | null;
  onChange(listener: () => void): () => void;
}

export interface StatusFeedOptions {
  mountFastMs?: number;
  mountSlowMs?: number;
  weatherEveryMs?: number;
  minGapMs?: number;
  coolerRamp?: CoolerRampSource;
}

export class StatusFeed {
  #hub: Rig;
  #bus: EventBus;
  #o: Required<Omit<StatusFeedOptions, "coolerRamp">>;
  #coolerRamp: CoolerRampSource | null;
  #stopRamp: (() => void) | null = null;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #lastPublishMs = new Map<DeviceKind, number>();
  #deferred = new Map<DeviceKind, ReturnType<typeof setTimeout>>();
  #shutter: string | null = null;
  #guideState: string | null = null;
  #weatherSafe: boolean | null = null;
  #stopHub: (() => void) | null = null;
  #stopBus: (() => void) | null = null;
  #mountTimer: ReturnType<typeof setTimeout> | null = null;
  #mountFast = false;
  #sampling = false;
  #running = false;

  constructor(hub: Rig, bus: EventBus, options: StatusFeedOptions = {}) {
    this.#hub = hub;
    this.#bus = bus;
    this.#o = {
      mountFastMs: options.mountFastMs ?? 100,
      mountSlowMs: options.mountSlowMs ?? 1000,
      weatherEveryMs: options.weatherEveryMs ?? 60_000,
      minGapMs: options.minGapMs ?? 100,
    };
    this.#coolerRamp = options.coolerRamp ?? null;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopHub = this.#hub.onStatus((kind) => this.#onChange(kind));
    // A device that (re)connects publishes its state at once, so the phone's snapshot is
    // complete even for devices that have not moved since.
    this.#stopBus = this.#bus.subscribe((event) => {
      if (event.type === "device.connected") this.#publishNow(event.data.role);
    });
    this.#stopRamp = this.#coolerRamp?.onChange(() => this.#onChange("camera")) ?? null;
    for (const kind of DEVICE_KINDS) this.#publishNow(kind);
    this.#mountLoop();
    this.#timers.push(setInterval(() => this.#publishWeather(), this.#o.weatherEveryMs));
    this.#timers.push(setInterval(() => this.#publishGuideStats(), 1000));
  }

  stop(): void {
    this.#running = false;
    this.#stopHub?.();
    this.#stopBus?.();
    this.#stopRamp?.();
    for (const t of this.#timers) clearTimeout(t);
    if (this.#mountTimer !== null) clearTimeout(this.#mountTimer);
    this.#mountTimer = null;
    for (const t of this.#deferred.values()) clearTimeout(t);
    this.#timers = [];
    this.#deferred.clear();
  }

  #mountLoop(): void {
    if (this.#mountTimer !== null) clearTimeout(this.#mountTimer);
    this.#mountTimer = null;
    if (!this.#running) return;
    const mount = this.#hub.peek("mount");
    this.#mountFast = false;
    if (mount) {
      // Reading the status may itself report a change (a simulator noticing it arrived); the
      // flag keeps that from re-entering this loop and scheduling a second timer.
      this.#sampling = true;
      try {
        const status = mount.status();
        this.#bus.publish("mount.status", toMountStatusDto(status));
        this.#mountFast = status.slewing;
      } finally {
        this.#sampling = false;
      }
    }
    this.#mountTimer = setTimeout(
      () => this.#mountLoop(),
      this.#mountFast ? this.#o.mountFastMs : this.#o.mountSlowMs,
    );
  }

  #onChange(kind: DeviceKind): void {
    // The mount is sampled by its own loop; a change (a slew starting, a park) restarts the loop
    // at once so the phone sees it without waiting for the slow beat.
    if (kind === "mount") {
      if (!this.#mountFast && !this.#sampling) this.#mountLoop();
      return;
    }
    // Transitions are published at once; the status itself is rate-limited per device.
    this.#transitions(kind);
    // Pacing runs on the monotonic clock, like the timers that defer it.
    const sinceMs = performance.now() - (this.#lastPublishMs.get(kind) ?? -Infinity);
    if (sinceMs >= this.#o.minGapMs) return this.#publishStatus(kind);
    if (this.#deferred.has(kind)) return;
    this.#deferred.set(
      kind,
      setTimeout(() => {
        this.#deferred.delete(kind);
        if (this.#running) this.#publishStatus(kind);
      }, this.#o.minGapMs - sinceMs),
    );
  }

  #publishNow(kind: DeviceKind): void {
    if (kind === "mount") return; // its loop publishes within a second
    if (kind === "weather") {
      this.#weatherSafe = this.#hub.peek("weather")?.status().safe ?? null;
      return this.#publishWeather();
    }
    this.#transitions(kind);
    this.#publishStatus(kind);
  }

  #publishStatus(kind: DeviceKind): void {
    this.#lastPublishMs.set(kind, performance.now());
    const h = this.#hub;
    switch (kind) {
      case "camera": {
        const d = h.peek("camera");
        const ramp = this.#coolerRamp?.ramp() ?? null;
        if (d) {
          this.#bus.publish("camera.status", toCameraStatusDto(d.capabilities, d.status(), ramp));
        }
        return;
      }
      case "focuser": {
        const d = h.peek("focuser");
        if (d) this.#bus.publish("focuser.status", toFocuserStatusDto(d.capabilities, d.status()));
        return;
      }
      case "filterwheel": {
        const d = h.peek("filterwheel");
        if (d) this.#bus.publish("filterwheel.status", toFilterWheelStatusDto(d.status()));
        return;
      }
      case "rotator": {
        const d = h.peek("rotator");
        if (d) this.#bus.publish("rotator.status", toRotatorStatusDto(d.status()));
        return;
      }
      case "flatpanel": {
        const d = h.peek("flatpanel");
        if (d) {
          this.#bus.publish("flatpanel.status", toFlatPanelStatusDto(d.capabilities, d.status()));
        }
        return;
      }
      case "dome": {
        const d = h.peek("dome");
        if (d) this.#bus.publish("dome.status", toDomeStatusDto(d.status()));
        return;
      }
      // Weather goes out on its 60 s beat and when the verdict flips (see #transitions).
      case "weather":
      case "guider":
      case "mount":
        return;
    }
  }

  #transitions(kind: DeviceKind): void {
    if (kind === "dome") {
      const shutter = this.#hub.peek("dome")?.status().shutter ?? null;
      if (shutter !== null && shutter !== this.#shutter) {
        const previous = this.#shutter as typeof shutter | null;
        this.#shutter = shutter;
        this.#bus.publish("dome.shutter_changed", { shutter, previous });
      }
    } else if (kind === "guider") {
      const state = this.#hub.peek("guider")?.status().state ?? null;
      if (state !== null && state !== this.#guideState) {
        const previous = this.#guideState;
        this.#guideState = state;
        this.#bus.publish("guiding.state_changed", { state, previous });
      }
    } else if (kind === "weather") {
      const safe = this.#hub.peek("weather")?.status().safe ?? null;
      if (safe !== null && safe !== this.#weatherSafe) {
        this.#weatherSafe = safe;
        this.#publishWeather();
      }
    }
  }

  #publishWeather(): void {
    const weather = this.#hub.peek("weather");
    if (weather) this.#bus.publish("weather.update", toWeatherStatusDto(weather.status()));
  }

  #publishGuideStats(): void {
    const guider = this.#hub.peek("guider");
    if (!guider) return;
    const dto = toGuidingStatusDto(guider.status());
    if (dto.state !== "guiding" && dto.state !== "settling") return;
    this.#bus.publish("guiding.stats_update", {
      rms_ra: dto.rms_ra,
      rms_dec: dto.rms_dec,
      rms_total: dto.rms_total,
      star: dto.star,
    });
  }
}
