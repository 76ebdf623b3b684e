/**
 * Equipment profiles as the rest of the box uses them: stored by the repository, and the active
 * one applied to the device hub. Activating a profile (or editing the active one) rebuilds the rig.
 * A profile is checked against the driver catalogue when it is saved: an unknown driver, a bad
 * option or an option the driver does not know is a 400 naming it, and nothing is stored.
 */
import type { Optics, Site } from "../../devices/device.ts";
import { DEVICE_KINDS } from "../../devices/device.ts";
import {
  checkOptions,
  type DriverCatalogue,
  type OptionIssue,
} from "../../devices/driver_catalogue.ts";
import type { RigControl, RigPlan } from "../../devices/rig.ts";
import { AppError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { ProfileInputData, ProfileRepository } from "../store/profiles.ts";
import type { Profile, ProfileInput } from "./schema.ts";

export class ProfileService {
  #repo: ProfileRepository;
  #hub: RigControl;
  #drivers: DriverCatalogue;
  #log: Logger;
  #active: Profile | null = null;

  #beforeApply: (plan: RigPlan) => Promise<void>;

  /**
   * `beforeApply` prepares what the new rig needs before its drivers connect (the box's own
   * indiserver); a failure there is logged and the rig is applied anyway, its devices retrying.
   */
  constructor(
    repo: ProfileRepository,
    hub: RigControl,
    drivers: DriverCatalogue,
    log: Logger,
    beforeApply: (plan: RigPlan) => Promise<void> = () => Promise.resolve(),
  ) {
    this.#repo = repo;
    this.#hub = hub;
    this.#drivers = drivers;
    this.#log = log;
    this.#beforeApply = beforeApply;
  }

  /** The active profile as last applied (null before `start`). */
  get active(): Profile | null {
    return this.#active;
  }

  /** Makes sure a profile exists and applies the active one. */
  async start(): Promise<void> {
    await this.#repo.ensureDefault();
    const active = await this.#repo.active();
    if (active) await this.#apply(active);
  }

  list(): Promise<Profile[]> {
    return this.#repo.list();
  }

  get(id: string): Promise<Profile> {
    return this.#repo.get(id);
  }

  /** Stores a new, inactive profile; a 400 AppError names what its devices got wrong. */
  create(input: ProfileInputData): Promise<Profile> {
    return this.#repo.create(this.#checked(input));
  }

  /** Replaces a profile (a 400 as for `create`); editing the active one rebuilds the rig. */
  async update(id: string, input: ProfileInputData): Promise<Profile> {
    const profile = await this.#repo.update(id, this.#checked(input));
    if (profile.active) await this.#apply(profile);
    return profile;
  }

  async activate(id: string): Promise<Profile> {
    const profile = await this.#repo.activate(id);
    await this.#apply(profile);
    return profile;
  }

  delete(id: string): Promise<void> {
    return this.#repo.delete(id);
  }

  /**
   * The input with each role's options parsed by its driver's schema (defaults filled in, so the
   * stored profile shows what the driver runs with), or a 400 naming every problem.
   */
  #checked(input: ProfileInputData): ProfileInputData {
    const issues: OptionIssue[] = [];
    const devices: Record<string, unknown> = { ...input.devices };
    for (const kind of DEVICE_KINDS) {
      const assignment = input.devices?.[kind];
      if (!assignment) continue;
      const where = `devices.${kind}`;
      const specs = this.#drivers.drivers(kind);
      const spec = specs.find((s) => s.id === assignment.driver);
      if (!spec) {
        issues.push({
          field: `${where}.driver`,
          reason: `no driver "${assignment.driver}" for the ${kind} role; ` +
            `one of ${specs.map((s) => `"${s.id}"`).join(", ")}`,
        });
        continue;
      }
      const checked = checkOptions(spec, assignment.options, "refuse");
      if (checked.ok) devices[kind] = { driver: spec.id, options: checked.options };
      else issues.push(...checked.issues.map((i) => ({ ...i, field: `${where}.${i.field}` })));
    }
    if (issues.length > 0) {
      throw new AppError(
        400,
        "validation_failed",
        issues.map((i) => `${i.field}: ${i.reason}`).join("; "),
        { issues },
      );
    }
    return { ...input, devices } as ProfileInputData;
  }

  async #apply(profile: Profile): Promise<void> {
    this.#active = profile;
    this.#log.info("applying equipment profile", { id: profile.id, name: profile.name });
    const plan = rigPlan(profile);
    // The old rig lets go first, so stopping what it used (its indiserver) is no "lost device".
    await this.#hub.close();
    await this.#beforeApply(plan).catch((err) =>
      this.#log.error("could not prepare the rig", {
        error: err instanceof Error ? err.message : String(err),
      })
    );
    await this.#hub.apply(plan);
  }
}

export function rigPlan(profile: ProfileInput): RigPlan {
  const site: Site = {
    latitudeDeg: profile.site.latitude,
    longitudeDeg: profile.site.longitude,
    elevationM: profile.site.elevation,
  };
  const optics: Optics = {
    focalLengthMm: profile.optics.focal_length_mm,
    apertureMm: profile.optics.aperture_mm,
  };
  const roles: RigPlan["roles"] = {};
  for (const kind of DEVICE_KINDS) roles[kind] = profile.devices[kind];
  return { site, optics, roles };
}
