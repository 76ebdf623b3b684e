/**
 * What the simulated camera's light frames show, decided per exposure. With `sky: "auto"` (the
 * default) a light shows the true sky (sky_true.ts) when a simulated mount shares its pointing
 * through the optics link and the Tycho-2 star catalogue loads, else the seeded random field;
 * `"catalog"` insists on the true sky and fails the exposure with a clear message when the mount
 * or the index files are missing; `"random"` always shows the random field. The catalogue loads
 * lazily at the first light frame — a box that never takes one never holds it in memory — into a
 * cache under `<dataDir>/cache/sky` when the box has a data dir. The pointing is read when the
 * shutter opens and again when it closes, so a mount that moved (tracking off, a slew, guide
 * pulses) leaves trails. Position angle on the sky (east of north) = `cameraAngleDeg` + the
 * rotator's mechanical angle (negated when reversed; never its sync offset, which is bookkeeping)
 * + 180° when the mount's pier side is "west" — ASCOM's "through the pole" pointing state, the one
 * a meridian flip turns the tube into; "east" (normal) and "unknown" add nothing.
 */
import { join } from "node:path";
import type { Logger } from "../../lib/log.ts";
import type { DriverContext } from "../device.ts";
import { loadSkyCatalog, type SkyCatalog } from "../../lib/star_catalog/catalog.ts";
import type { SimCameraSetup, SkyMode } from "./camera_options.ts";
import type { MountReading, SimOpticsLink } from "./optics_link.ts";
import type { Scene } from "./sky.ts";
import { pixelScaleArcsec, type SkyLook, trueSkyScene } from "./sky_true.ts";

export interface CameraSkyOptions {
  mode: SkyMode;
  indexDir: string;
  /** The box's data dir; the catalogue cache goes under it. Undefined = no disk cache. */
  dataDir?: string;
  log: Logger;
  optics: SimOpticsLink | null;
  focalLengthMm: number;
  apertureMm: number;
  pixelSizeUm: number;
  widthPx: number;
  heightPx: number;
  cameraAngleDeg: number;
  look: SkyLook;
}

/** A light frame's sky between shutter open and close. */
export interface OpenSky {
  /**
   * Reads the pointing now (the shutter closing) and resolves with the scene to render, or null
   * when an "auto" light falls back to the random field.
   */
  close(): Promise<Scene | null>;
}

export class CameraSky {
  readonly #o: CameraSkyOptions;
  #catalog: Promise<SkyCatalog | null> | null = null;
  #warned = false;
  #note: string;

  constructor(options: CameraSkyOptions) {
    this.#o = options;
    this.#note = options.mode === "random"
      ? "a seeded random star field"
      : "the true sky at the simulated mount's pointing (Tycho-2, loaded at the first light)";
  }

  /** What lights show, for the camera's description. */
  get note(): string {
    return this.#note;
  }

  /**
   * Called as the shutter opens: null when this light shows the random field. Throws in
   * "catalog" mode when no simulated mount is linked.
   */
  open(): OpenSky | null {
    const o = this.#o;
    if (o.mode === "random") return null;
    const start = o.optics?.mountReading() ?? null;
    if (!start) {
      if (o.mode === "catalog") {
        throw new Error(
          'sim camera option sky is "catalog" but no simulated mount is linked: the true sky ' +
            "needs the sim mount's pointing",
        );
      }
      this.#note = "a seeded random star field (no simulated mount is linked)";
      return null;
    }
    const positionAngleDeg = this.#positionAngleDeg(start);
    const catalog = this.#loadCatalog();
    return {
      close: async () => {
        const end = o.optics?.mountReading() ?? start;
        const stars = await catalog;
        if (!stars) return this.#missingCatalog();
        return trueSkyScene(stars, {
          start,
          end,
          positionAngleDeg,
          pixelScaleArcsec: pixelScaleArcsec(o.pixelSizeUm, o.focalLengthMm),
          widthPx: o.widthPx,
          heightPx: o.heightPx,
          apertureMm: o.apertureMm,
        }, o.look);
      },
    };
  }

  /** Resolves once no catalogue load is in flight (whatever its outcome). */
  async settled(): Promise<void> {
    await this.#catalog?.catch(() => null);
  }

  /** The sensor's +y direction on the sky, degrees east of north in [0, 360). */
  #positionAngleDeg(mount: MountReading): number {
    const rotator = this.#o.optics?.rotatorReading() ?? null;
    const rotatorDeg = rotator ? (rotator.reversed ? -1 : 1) * rotator.mechanicalDeg : 0;
    const flipDeg = mount.pierSide === "west" ? 180 : 0;
    const angleDeg = (this.#o.cameraAngleDeg + rotatorDeg + flipDeg) % 360;
    return angleDeg < 0 ? angleDeg + 360 : angleDeg;
  }

  #loadCatalog(): Promise<SkyCatalog | null> {
    if (!this.#catalog) {
      const o = this.#o;
      const started = performance.now();
      this.#catalog = loadSkyCatalog({
        indexDir: o.indexDir,
        cacheDir: o.dataDir === undefined ? null : join(o.dataDir, "cache", "sky"),
        log: o.log,
      }).then((catalog) => {
        if (catalog) {
          this.#note = `the true sky at the simulated mount's pointing, from ${catalog.source}`;
          o.log.info("sim camera renders the true sky", {
            source: catalog.source,
            loadMs: Math.round(performance.now() - started),
          });
        }
        return catalog;
      }, (err) => {
        // Forget the failure so the next light tries again (a file may have been replaced).
        this.#catalog = null;
        if (o.mode === "catalog") throw err;
        this.#warnOnce(
          `the Tycho-2 index under ${o.indexDir} could not be read (${
            err instanceof Error ? err.message : err
          }): rendering a random star field`,
        );
        return null;
      });
    }
    return this.#catalog;
  }

  /** The catalogue is absent: an error in "catalog" mode, the random field (and one warning) else. */
  #missingCatalog(): null {
    const what = `no Tycho-2 index files under ${this.#o.indexDir}`;
    if (this.#o.mode === "catalog") {
      throw new Error(`sim camera option sky is "catalog" but there are ${what}`);
    }
    this.#warnOnce(`${what}: rendering a random star field`);
    return null;
  }

  #warnOnce(message: string): void {
    this.#note = `a seeded random star field (${message.replace(/: rendering.*$/, "")})`;
    if (this.#warned) return;
    this.#warned = true;
    this.#o.log.warn(message);
  }
}

/** The camera's sky from its driver context and validated options. */
export function cameraSkyFor(
  ctx: Pick<DriverContext, "dataDir" | "optics">,
  options: SimCameraSetup,
  optics: SimOpticsLink | null,
  log: Logger,
): CameraSky {
  return new CameraSky({
    mode: options.sky,
    indexDir: options.skyIndexDir,
    dataDir: ctx.dataDir,
    log,
    optics,
    focalLengthMm: ctx.optics.focalLengthMm,
    apertureMm: ctx.optics.apertureMm,
    pixelSizeUm: options.pixelSizeUm,
    widthPx: options.widthPx,
    heightPx: options.heightPx,
    cameraAngleDeg: options.cameraAngleDeg,
    look: {
      seeingArcsec: options.seeingArcsec,
      skyMagPerArcsec2: options.skyMagPerArcsec2,
      fillerStars: options.fillerStars,
    },
  });
}
