/**
 * API shapes of the mosaic group. A mosaic request names a centre (coordinates or a catalog
 * name), the field of one panel (given, or the active profile's camera and optics), the layout
 * (rows × columns, or the total field to cover), the overlap and the rotation. The answer lists
 * each panel's centre and position angle, the imaging order and every neighbouring pair's
 * overlap; saved mosaics turn into scheduler plans with one target per panel.
 */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";
import { SchedulerPlan, SchedulerPlanDto } from "./scheduler.ts";
import { ExposureGroup } from "./sequence.ts";

/** A plan's targets are at most 100, so a mosaic is too. */
export const MAX_MOSAIC_PANELS = 100;

export const FieldSize = z.object({
  width_deg: z.number().gt(0).max(60).describe("along the sensor's x axis (its width), degrees"),
  height_deg: z.number().gt(0).max(60).describe("along the sensor's y axis, degrees"),
});

export const MosaicCenter = z.object({ ra: raHours, dec: decDeg });

export const MosaicRequest = z.object({
  name: z.string().min(1).max(60),
  center: MosaicCenter.optional()
    .describe("J2000 centre of the whole mosaic; optional when `target` names a catalog object"),
  target: z.string().min(1).max(80).optional()
    .describe('catalog name (e.g. "M 31") used for the centre when `center` is absent'),
  field: FieldSize.optional()
    .describe("one panel's field; default: the active profile's camera sensor and optics"),
  rows: z.number().int().min(1).max(20).optional().describe("with cols: the panel grid"),
  cols: z.number().int().min(1).max(20).optional(),
  cover: FieldSize.optional()
    .describe(
      "instead of rows × cols: the total field to cover; the grid is the smallest that does",
    ),
  overlap_pct: z.number().min(0).max(80).default(15)
    .describe("overlap between neighbouring panels, percent of the field"),
  rotation_deg: z.number().min(0).lt(360).default(0)
    .describe("position angle of the mosaic's up axis (rows stack along it), east of north"),
}).superRefine((m, ctx) => {
  const grid = m.rows !== undefined || m.cols !== undefined;
  if (grid && m.cover !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["cover"],
      message: "give rows and cols, or cover, not both",
    });
  } else if (grid && (m.rows === undefined || m.cols === undefined)) {
    const missing = m.rows === undefined ? "rows" : "cols";
    ctx.addIssue({ code: "custom", path: [missing], message: "rows and cols go together" });
  } else if (!grid && m.cover === undefined) {
    ctx.addIssue({ code: "custom", path: ["rows"], message: "give rows and cols, or cover" });
  } else if (grid && m.rows! * m.cols! > MAX_MOSAIC_PANELS) {
    ctx.addIssue({
      code: "custom",
      path: ["rows"],
      message: `rows × cols is ${m.rows! * m.cols!}; at most ${MAX_MOSAIC_PANELS} panels`,
    });
  }
  if (m.center === undefined && m.target === undefined) {
    ctx.addIssue({ code: "custom", path: ["center"], message: "give center or target" });
  }
});
export type MosaicRequest = z.infer<typeof MosaicRequest>;
export type MosaicRequestInput = z.input<typeof MosaicRequest>;

export const MosaicPanelDto = z.object({
  index: z.number().int().describe("row × cols + col"),
  row: z.number().int().describe("0 is the bottom row (against the up axis)"),
  col: z.number().int().describe("0 is the left column (west at rotation 0)"),
  order: z.number().int().describe("position in the imaging order, 1 first"),
  name: z.string().describe("the target name its scheduler plan uses"),
  ra: raHours,
  dec: decDeg,
  rotation_deg: z.number().describe(
    "position angle of the panel's up axis, east of north: the rotator angle",
  ),
  x_deg: z.number().describe("offset along the mosaic's right axis in its tangent plane"),
  y_deg: z.number().describe("offset along the mosaic's up axis in its tangent plane"),
});

export const PanelOverlapDto = z.object({
  a: z.number().int(),
  b: z.number().int().describe("the panel right of (rows) or above (columns) a"),
  along: z.enum(["rows", "columns"]),
  overlap_pct: z.number().describe("mid-edge, percent of the field along the pair"),
  min_pct: z.number(),
  max_pct: z.number(),
});

export const MosaicDto = z.object({
  id: z.string().nullable().describe("null for a preview"),
  name: z.string(),
  target: z.string().nullable(),
  created_at: z.string(),
  center: MosaicCenter,
  field: FieldSize.extend({ source: z.enum(["given", "profile"]) }),
  rows: z.number().int(),
  cols: z.number().int(),
  overlap_pct: z.number(),
  rotation_deg: z.number(),
  extent: FieldSize.describe("the angular size all panels cover"),
  panels: z.array(MosaicPanelDto).describe(
    "in grid order (index); `order` gives the imaging order",
  ),
  order: z.array(z.number().int()).describe("panel indexes in imaging order"),
  order_basis: z.object({
    at: z.string().describe("the instant the order is for"),
    site: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
    min_altitude_deg: z.number(),
    rule: z.string(),
  }),
  overlaps: z.array(PanelOverlapDto),
  warnings: z.array(z.string()),
});
export type MosaicDto = z.infer<typeof MosaicDto>;

export const MosaicList = z.object({ mosaics: z.array(MosaicDto) });

export const ProfileFieldDto = z.object({
  width_deg: z.number(),
  height_deg: z.number(),
  pixel_scale_arcsec: z.number(),
  width_px: z.number().int(),
  height_px: z.number().int(),
  focal_length_mm: z.number(),
  pixel_size_um: z.number(),
});

export const MosaicStatusDto = z.object({
  saved: z.number().int().describe("how many mosaics are saved"),
  field: ProfileFieldDto.nullable().describe("one panel's field with the active profile"),
  field_unavailable: z.string().nullable().describe("why `field` is null"),
  max_panels: z.number().int(),
});

/** Everything of a scheduler plan but its targets, which are the panels. */
export const MosaicPlanBody = SchedulerPlan.omit({ targets: true, name: true }).extend({
  name: z.string().min(1).max(80).optional().describe("default: the mosaic's name"),
  groups: z.array(ExposureGroup).min(1, "needs at least one exposure group").max(50)
    .describe("the exposure groups every panel gets"),
  priority: z.number().int().min(1).max(10).default(5),
  start_at: z.iso.datetime({ offset: true }).optional()
    .describe("when imaging starts, for the panel order (default: now)"),
});

export type MosaicPlanBody = z.infer<typeof MosaicPlanBody>;

export type MosaicStatusDto = z.infer<typeof MosaicStatusDto>;

export const MosaicPlanResult = z.object({
  mosaic_id: z.string(),
  plan: SchedulerPlanDto,
  order: z.array(z.number().int()).describe("panel indexes in the plan's target order"),
});
