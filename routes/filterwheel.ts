/**
 * Filter wheel group: status, moves by slot or by filter name, and the slot names with their
 * focus offsets. Names are resolved here, against the wheel's own slot list, so an unknown name
 * answers 400 listing the names the wheel knows — the most useful thing a phone can show when
 * someone types "Ha" for a slot called "H-alpha".
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted } from "../core/schemas/common.ts";
import {
  FilterListDto,
  FilterNamesBody,
  FilterWheelMoveBody,
  FilterWheelStatusDto,
  toFilterWheelStatusDto,
} from "../core/schemas/filterwheel.ts";
import { badRequest } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import { filterNames, type FilterSlot, slotOfFilter } from "../devices/filterwheel.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Filter wheel"];

export function filterwheelRoutes(s: Pick<Services, "hub">) {
  const app = newRouter();
  const wheel = () => s.hub.device("filterwheel");
  const listOf = (slots: readonly FilterSlot[]) =>
    slots.map((slot, i) => ({ position: i, name: slot.name, focus_offset: slot.focusOffsetSteps }));

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Current slot and filter, moving state, the filters",
      responses: { 200: json(FilterWheelStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json(toFilterWheelStatusDto(wheel().status()), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/move",
      tags,
      summary: "Move to a slot, by 0-based position or by filter name",
      description: "Answers 202 once the wheel is turning; filterwheel.status events follow.",
      request: jsonBody(FilterWheelMoveBody),
      responses: { 202: json(Accepted, "Move started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const w = wheel();
      const slots = w.status().slots;
      let position: number;
      if ("name" in body) {
        const found = slotOfFilter(slots, body.name);
        if (found === null) {
          const known = filterNames(slots);
          throw badRequest("body.name", `no filter named "${body.name}"; known: ${known}`);
        }
        position = found;
      } else {
        position = body.position;
        const count = w.capabilities.slotCount;
        if (position >= count) {
          throw badRequest("body.position", `must be < ${count} (the wheel has ${count} slots)`);
        }
      }
      await w.moveTo(position);
      const name = slots[position]?.name ?? String(position);
      return c.json({ accepted: true as const, message: `moving to ${name}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/filters",
      tags,
      summary: "The filter in each slot and its focus offset",
      responses: { 200: json(FilterListDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json({ filters: listOf(wheel().status().slots) }, 200),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/filters",
      tags,
      summary: "Name the slots and set their focus offsets (one entry per slot)",
      request: jsonBody(FilterNamesBody),
      responses: { 200: json(FilterListDto), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { filters } = c.req.valid("json");
      const w = wheel();
      const count = w.capabilities.slotCount;
      if (filters.length !== count) {
        throw badRequest("body.filters", `has ${filters.length} entries; the wheel has ${count}`);
      }
      // Moves by name must be unambiguous, so two slots may not share a name.
      const seen = new Map<string, number>();
      filters.forEach((f, i) => {
        const first = seen.get(f.name.toLowerCase());
        if (first !== undefined) {
          throw badRequest(`body.filters.${i}.name`, `"${f.name}" is already slot ${first}`);
        }
        seen.set(f.name.toLowerCase(), i);
      });
      const slots = filters.map((f) => ({ name: f.name, focusOffsetSteps: f.focus_offset }));
      await w.setSlots(slots);
      return c.json({ filters: listOf(slots) }, 200);
    },
  );

  return app;
}
