/**
 * Equipment profiles as the rest of the box uses them: stored by the repository, and the active
 * one applied to the device hub. Activating a profile (or editing the active one) rebuilds the rig.
 */
import type { Optics, Site } from "../../devices/device.ts";
import { DEVICE_KINDS } from "../../devices/device.ts";
import type { RigControl, RigPlan } from "../../devices/rig.ts";
import type { Logger } from "../../lib/log.ts";
import type { ProfileRepository } from "../store/profiles.ts";
import type { Profile, ProfileInput } from "./schema.ts";

export class ProfileService {
  #repo: ProfileRepository;
  #hub: RigControl;
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
    log: Logger,
    beforeApply: (plan: RigPlan) => Promise<void> = () => Promise.resolve(),
  ) {
    this.#repo = repo;
    this.#hub = hub;
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

  create(input: ProfileInput): Promise<Profile> {
    return this.#repo.create(input);
  }

  async update(id: string, input: ProfileInput): Promise<Profile> {
    const profile = await this.#repo.update(id, input);
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
