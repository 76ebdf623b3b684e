/**
 * Mosaics as the box offers them: compute one from a request (the field from the active
 * profile's camera and optics unless given, the centre from the catalog when only a name is
 * given), save, list and delete them, and turn one into a scheduler plan with one target per
 * panel — in imaging order, each with its rotator angle — in a single call. Saving, deleting and
 * planning publish `mosaic.saved`, `mosaic.deleted` and `mosaic.planned`.
 */
import type { Rig } from "../../devices/rig.ts";
import { mosaicPanels, panelsToCover } from "../../lib/astro/mosaic.ts";
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { Profile } from "../profiles/schema.ts";
import {
  MAX_MOSAIC_PANELS,
  type MosaicDto,
  type MosaicPlanBody,
  type MosaicRequest,
  type MosaicStatusDto,
} from "../schemas/mosaic.ts";
import type { SchedulerPlanDto } from "../schemas/scheduler.ts";
import type { MosaicRepository } from "../store/mosaics.ts";
import { type ProfileField, profileField } from "./field.ts";
import { imagingOrder } from "./order.ts";
import { mosaicWarnings } from "./warnings.ts";

export interface MosaicContext {
  repo: MosaicRepository;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  hub: Rig;
  activeProfile: () => Profile | null;
  /** A catalog name's J2000 position, or null when unknown. */
  resolveTarget?: (name: string) => Promise<{ ra: number; dec: number } | null>;
  /** The scheduler's plan creation (validates against the rig; a 400 lists every problem). */
  createPlan: (raw: unknown) => Promise<SchedulerPlanDto>;
}

/** The altitude limit the order assumes when none is given (the scheduler's default). */
const DEFAULT_MIN_ALTITUDE_DEG = 30;

export class MosaicService {
  readonly #ctx: MosaicContext;

  constructor(ctx: MosaicContext) {
    this.#ctx = ctx;
  }

  /** The field one panel covers with the active profile's camera and optics. */
  field(): ProfileField {
    const found = profileField(this.#ctx.hub, this.#ctx.activeProfile());
    if ("reason" in found) throw conflict(`No field from the active profile: ${found.reason}`);
    return found;
  }

  /** What a framing view needs first: the profile's field (or why there is none), the count. */
  async status(): Promise<MosaicStatusDto> {
    const found = profileField(this.#ctx.hub, this.#ctx.activeProfile());
    return {
      saved: (await this.#ctx.repo.list()).length,
      field: "reason" in found ? null : found,
      field_unavailable: "reason" in found ? found.reason : null,
      max_panels: MAX_MOSAIC_PANELS,
    };
  }

  /** The mosaic a request describes, not saved (id null). */
  async compute(
    request: MosaicRequest,
    order: { atMs?: number; minAltitudeDeg?: number } = {},
  ): Promise<MosaicDto> {
    const center = request.center ?? await this.#resolve(request.target!);
    const field = this.#field(request);
    const overlap = request.overlap_pct / 100;
    let rows = request.rows, cols = request.cols;
    if (request.cover) {
      rows = panelsToCover(request.cover.height_deg, field.height_deg, overlap);
      cols = panelsToCover(request.cover.width_deg, field.width_deg, overlap);
      if (rows * cols > MAX_MOSAIC_PANELS) {
        throw badRequest(
          "body.cover",
          `covering it takes ${rows} × ${cols} panels of ${field.width_deg.toFixed(2)}° × ` +
            `${field.height_deg.toFixed(2)}°; at most ${MAX_MOSAIC_PANELS}`,
        );
      }
    }
    let geometry;
    try {
      geometry = mosaicPanels({
        raHours: center.ra,
        decDeg: center.dec,
        rows: rows!,
        cols: cols!,
        overlap,
        rotationDeg: request.rotation_deg,
        field: { widthDeg: field.width_deg, heightDeg: field.height_deg },
      });
    } catch (err) {
      if (err instanceof RangeError) {
        throw badRequest(request.cover ? "body.cover" : "body.rows", err.message);
      }
      throw err;
    }
    const site = this.#ctx.hub.site;
    const atMs = order.atMs ?? this.#ctx.clock.now();
    const minAltitudeDeg = order.minAltitudeDeg ?? DEFAULT_MIN_ALTITUDE_DEG;
    const ordered = imagingOrder(geometry.panels, {
      site,
      atMs,
      minAltitudeDeg,
      rotationDeg: request.rotation_deg,
      rows: rows!,
      cols: cols!,
    });
    const position = new Map(ordered.order.map((index, k) => [index, k + 1]));
    const width = String(geometry.panels.length).length > 2 ? 3 : 2;
    const dto: MosaicDto = {
      id: null,
      name: request.name,
      target: request.target ?? null,
      created_at: new Date(this.#ctx.clock.now()).toISOString(),
      center,
      field,
      rows: rows!,
      cols: cols!,
      overlap_pct: request.overlap_pct,
      rotation_deg: request.rotation_deg,
      extent: { width_deg: geometry.extent.widthDeg, height_deg: geometry.extent.heightDeg },
      panels: geometry.panels.map((p) => {
        const k = position.get(p.index)!;
        return {
          index: p.index,
          row: p.row,
          col: p.col,
          order: k,
          name: `${request.name} P${String(k).padStart(width, "0")} (r${p.row + 1} c${p.col + 1})`,
          ra: p.raHours,
          dec: p.decDeg,
          rotation_deg: p.positionAngleDeg,
          x_deg: p.xDeg,
          y_deg: p.yDeg,
        };
      }),
      order: ordered.order,
      order_basis: {
        at: new Date(atMs).toISOString(),
        site: site && { latitude: site.latitudeDeg, longitude: site.longitudeDeg },
        min_altitude_deg: minAltitudeDeg,
        rule: ordered.rule,
      },
      overlaps: geometry.neighbours.map((n) => ({
        a: n.a,
        b: n.b,
        along: n.along,
        overlap_pct: n.overlap * 100,
        min_pct: n.overlapMin * 100,
        max_pct: n.overlapMax * 100,
      })),
      warnings: [],
    };
    dto.warnings = mosaicWarnings(dto, {
      hasRotator: this.#ctx.hub.peek("rotator") !== null,
      timings: ordered.timings,
    });
    return dto;
  }

  async create(request: MosaicRequest): Promise<MosaicDto> {
    const saved = await this.#ctx.repo.create(await this.compute(request));
    this.#ctx.bus.publish("mosaic.saved", {
      id: saved.id!,
      name: saved.name,
      rows: saved.rows,
      cols: saved.cols,
      panels: saved.panels.length,
    });
    this.#ctx.log.info("mosaic saved", {
      id: saved.id,
      name: saved.name,
      panels: saved.panels.length,
    });
    return saved;
  }

  list(): Promise<MosaicDto[]> {
    return this.#ctx.repo.list();
  }

  get(id: string): Promise<MosaicDto> {
    return this.#ctx.repo.get(id);
  }

  async delete(id: string): Promise<void> {
    const gone = await this.#ctx.repo.delete(id);
    this.#ctx.bus.publish("mosaic.deleted", { id, name: gone.name });
  }

  /**
   * A scheduler plan imaging every panel of a saved mosaic: one target per panel, in imaging
   * order for `start_at` (default now), each with the panel's position angle as its rotator
   * angle and the same exposure groups.
   */
  async plan(
    id: string,
    body: MosaicPlanBody,
  ): Promise<{ mosaic_id: string; plan: SchedulerPlanDto; order: number[] }> {
    const saved = await this.#ctx.repo.get(id);
    const atMs = body.start_at ? Date.parse(body.start_at) : this.#ctx.clock.now();
    // The order for the night it will run: recomputed with the plan's altitude limit.
    const mosaic = await this.compute({
      name: saved.name,
      center: saved.center,
      field: { width_deg: saved.field.width_deg, height_deg: saved.field.height_deg },
      rows: saved.rows,
      cols: saved.cols,
      overlap_pct: saved.overlap_pct,
      rotation_deg: saved.rotation_deg,
    }, { atMs, minAltitudeDeg: body.constraints.min_altitude_deg });
    const { groups, priority, start_at: _startAt, name, ...options } = body;
    const byIndex = new Map(mosaic.panels.map((p) => [p.index, p]));
    const plan = await this.#createPlan({
      ...options,
      name: name ?? saved.name,
      targets: mosaic.order.map((index) => {
        const p = byIndex.get(index)!;
        return {
          name: p.name,
          ra: p.ra,
          dec: p.dec,
          // The rotator takes [0, 360); a rounding of 359.9999999 must not leave the range.
          rotation_deg: p.rotation_deg >= 360 - 1e-9 ? 0 : p.rotation_deg,
          priority,
          groups,
          constraints: {},
        };
      }),
    });
    this.#ctx.bus.publish("mosaic.planned", {
      mosaic_id: id,
      plan_id: plan.id,
      plan_name: plan.name,
      targets: plan.targets.length,
    });
    return { mosaic_id: id, plan, order: mosaic.order };
  }

  /** The scheduler's answer, its 400s renamed from the panels' targets to this request's fields. */
  async #createPlan(raw: unknown): Promise<SchedulerPlanDto> {
    try {
      return await this.#ctx.createPlan(raw);
    } catch (err) {
      const issues = err instanceof AppError && err.status === 400
        ? (err.details as { issues?: { field: string; reason: string }[] } | undefined)?.issues
        : undefined;
      if (!issues) throw err;
      const renamed: { field: string; reason: string }[] = [];
      for (const issue of issues) {
        const field = issue.field.replace(/^body\.targets\.\d+\.groups/, "body.groups")
          .replace(/^body\.targets\.\d+\.priority/, "body.priority");
        if (!renamed.some((r) => r.field === field && r.reason === issue.reason)) {
          renamed.push({ field, reason: issue.reason });
        }
      }
      throw new AppError(
        400,
        "validation_failed",
        renamed.map((i) => `${i.field}: ${i.reason}`).join("; "),
        { issues: renamed },
      );
    }
  }

  #field(request: MosaicRequest): MosaicDto["field"] {
    if (request.field) return { ...request.field, source: "given" };
    const found = profileField(this.#ctx.hub, this.#ctx.activeProfile());
    if ("reason" in found) throw badRequest("body.field", `not given, and ${found.reason}`);
    return { width_deg: found.width_deg, height_deg: found.height_deg, source: "profile" };
  }

  async #resolve(name: string): Promise<{ ra: number; dec: number }> {
    // A missing catalog is its own 503 ("not installed"), not the user's mistake.
    const hit = await this.#ctx.resolveTarget?.(name);
    if (!hit) throw badRequest("body.target", `"${name}" is not in the catalog; give center`);
    return { ra: hit.ra, dec: hit.dec };
  }
}
