/**
 * The pointing model as the box uses it: fitted on demand from the active profile's alignment
 * points (a fit of a few dozen points takes microseconds, so nothing is cached that could go
 * stale), reported by `GET /mount/alignment`, and applied to gotos when the configuration says
 * so: the goto target is turned into the position the mount must be sent to for the optics to
 * land on it.
 */
import { wrapHours12 } from "../../lib/astro/coords.ts";
import { pierSideForHourAngle } from "../../lib/astro/meridian.ts";
import type { Logger } from "../../lib/log.ts";
import type { AlignPointDto, PointingModelDto } from "../schemas/alignment.ts";
import type { Profile } from "../profiles/schema.ts";
import type { AlignmentRepository } from "../store/alignment.ts";
import type { MountCapabilities, MountStatus } from "../../devices/mount.ts";
import {
  DEFAULT_TERMS,
  fitPointingModel,
  minimumPoints,
  mountDemandFor,
  type PointingFit,
  termsOf,
} from "./model.ts";

export interface PointingServiceOptions {
  alignment: Pick<AlignmentRepository, "list">;
  activeProfile: () => Profile | null;
  /** config `[pointing] apply`: whether gotos go through the model. */
  apply: boolean;
  log: Logger;
}

export class PointingService {
  readonly #options: PointingServiceOptions;

  constructor(options: PointingServiceOptions) {
    this.#options = options;
  }

  /** Points the fit needs. */
  get minPoints(): number {
    return minimumPoints(DEFAULT_TERMS.length);
  }

  /** The model fitted to `points` at the active site, or null when it cannot be fitted yet. */
  modelOf(points: readonly AlignPointDto[]): PointingModelDto | null {
    const fit = this.#fit(points);
    if (!fit) return null;
    return {
      terms: fit.terms.map((t) => ({
        name: t.name,
        value_arcsec: t.valueArcsec,
        sigma_arcsec: t.sigmaArcsec,
      })),
      rms_before_arcsec: fit.rmsBeforeArcsec,
      rms_after_arcsec: fit.rmsAfterArcsec,
      residuals: points.map((p, i) => ({ id: p.id, residual_arcsec: fit.residualsArcsec[i]! })),
      applied: this.#options.apply,
    };
  }

  /**
   * Where to send the mount so that the optics land on `target` (J2000). The target itself when
   * the model is off, there is no active profile, or there are too few points to fit.
   */
  async demandFor(
    target: { raHours: number; decDeg: number },
    status: Pick<MountStatus, "siderealTimeHours">,
    alignment: MountCapabilities["alignment"],
  ): Promise<{ raHours: number; decDeg: number }> {
    const profile = this.#options.activeProfile();
    if (!this.#options.apply || !profile) return target;
    const fit = this.#fit(await this.#options.alignment.list(profile.id));
    if (!fit) return target;
    const haHours = wrapHours12(status.siderealTimeHours - target.raHours);
    const demand = mountDemandFor(target, termsOf(fit), {
      lstHours: status.siderealTimeHours,
      latitudeDeg: profile.site.latitude,
      pierSide: alignment === "germanPolar" ? pierSideForHourAngle(haHours) : "unknown",
    });
    this.#options.log.debug("goto through the pointing model", { target, demand });
    return demand;
  }

  #fit(points: readonly AlignPointDto[]): PointingFit | null {
    const profile = this.#options.activeProfile();
    if (!profile || points.length < this.minPoints) return null;
    try {
      return fitPointingModel(
        points.map((p) => ({
          mountRaHours: p.mount_ra,
          mountDecDeg: p.mount_dec,
          skyRaHours: p.ra,
          skyDecDeg: p.dec,
          lstHours: p.lst,
          pierSide: p.pier_side,
        })),
        profile.site.latitude,
      );
    } catch (err) {
      // Points bunched in one part of the sky cannot separate the terms: no model, not a 500.
      if (err instanceof RangeError) {
        this.#options.log.warn("pointing model not fitted", { reason: err.message });
        return null;
      }
      throw err;
    }
  }
}
