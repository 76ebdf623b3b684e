/**
 * Mount group: status, goto (through the pointing model when applied), sync, park/unpark,
 * tracking, abort, pulse guide, and the alignment points with the model fitted to them.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { Accepted, Ok } from "../core/schemas/common.ts";
import {
  GotoBody,
  MountStatusDto,
  PulseGuideBody,
  SyncBody,
  toMountStatusDto,
  TrackingBody,
} from "../core/schemas/mount.ts";
import { conflict } from "../lib/errors.ts";
import { AlignmentDto, AlignPointBody, AlignPointDto } from "../core/schemas/alignment.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Mount"];

export function mountRoutes(s: Pick<Services, "alignment" | "hub" | "pointing" | "profiles">) {
  const app = newRouter();
  const mount = () => s.hub.device("mount");

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Current RA/Dec, Alt/Az, tracking mode, slewing state, pier side, time to flip",
      responses: { 200: json(MountStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json(toMountStatusDto(mount().status()), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/goto",
      tags,
      summary: "Slew to J2000 coordinates (ra in hours, dec in degrees)",
      description: "Answers 202 once the slew is under way; mount.status events follow.",
      request: jsonBody(GotoBody),
      responses: { 202: json(Accepted, "Slew started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { ra, dec } = c.req.valid("json");
      const device = mount();
      // With `[pointing] apply`, the mount is sent where its optics land on the target.
      const demand = await s.pointing.demandFor(
        { raHours: ra, decDeg: dec },
        device.status(),
        device.capabilities.alignment,
      );
      await device.slewTo(demand);
      return c.json({ accepted: true as const, message: "slewing" }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/sync",
      tags,
      summary: "Sync mount position to solved coordinates",
      request: jsonBody(SyncBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { ra, dec } = c.req.valid("json");
      await mount().sync({ raHours: ra, decDeg: dec });
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/park",
      tags,
      summary: "Park the mount at its configured park position",
      responses: { 202: json(Accepted, "Parking"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await mount().park();
      return c.json({ accepted: true as const, message: "parking" }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/unpark",
      tags,
      summary: "Unpark and resume tracking",
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await mount().unpark();
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/tracking",
      tags,
      summary: "Set tracking mode",
      request: jsonBody(TrackingBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await mount().setTracking(c.req.valid("json").mode);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/abort",
      tags,
      summary: "Emergency stop of all mount movement",
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await mount().abort();
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/pulse-guide",
      tags,
      summary: "Pulse-guide in one direction for a duration",
      request: jsonBody(PulseGuideBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { direction, duration_ms } = c.req.valid("json");
      await mount().pulseGuide(direction, duration_ms);
      return c.json({ ok: true as const }, 200);
    },
  );

  // The pointing model's points are kept per profile; the model is fitted to them on each read.
  const profileId = () => {
    const active = s.profiles.active;
    if (!active) throw conflict("No active profile: alignment points belong to a profile");
    return active.id;
  };
  app.openapi(
    createRoute({
      method: "get",
      path: "/alignment",
      tags,
      summary: "List alignment points in the pointing model",
      responses: { 200: json(AlignmentDto), ...errors([401, 409]) },
    }),
    async (c) => {
      const points = await s.alignment.list(profileId());
      const rms = points.length === 0
        ? null
        : Math.sqrt(points.reduce((sum, p) => sum + p.error_arcsec ** 2, 0) / points.length);
      return c.json({
        points,
        rms_error_arcsec: rms,
        model: s.pointing.modelOf(points),
        min_points: s.pointing.minPoints,
      }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/alignment/add",
      tags,
      summary: "Add a solved alignment point",
      description:
        "ra/dec are where a plate solve says the scope points (J2000); mount_ra/mount_dec where " +
        "the mount believed it pointed, by default its current position.",
      request: jsonBody(AlignPointBody),
      responses: { 201: json(AlignPointDto, "Added"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const status = mount().status();
      const point = await s.alignment.add({
        profile_id: profileId(),
        solved_ra_hours: body.ra,
        solved_dec_deg: body.dec,
        mount_ra_hours: body.mount_ra ?? status.raHours,
        mount_dec_deg: body.mount_dec ?? status.decDeg,
        lst_hours: status.siderealTimeHours,
        pier_side: status.pierSide,
        alt_deg: status.altDeg,
        az_deg: status.azDeg,
      });
      return c.json(point, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/alignment/clear",
      tags,
      summary: "Clear all alignment points",
      responses: {
        200: json(z.object({ ok: z.literal(true), removed: z.number() })),
        ...errors([401, 409]),
      },
    }),
    async (c) => c.json({ ok: true as const, removed: await s.alignment.clear(profileId()) }, 200),
  );

  return app;
}
