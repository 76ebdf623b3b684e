/** API shapes of the flat panel (cover calibrator) group. */
import { z } from "zod";
import type { FlatPanelCapabilities, FlatPanelStatus } from "../../devices/flatpanel.ts";

export const FlatPanelStatusDto = z.object({
  connected: z.boolean(),
  cover: z.enum(["notPresent", "closed", "moving", "open", "unknown", "error"]),
  light: z.enum(["notPresent", "off", "notReady", "ready", "unknown", "error"]),
  brightness: z.number(),
  max_brightness: z.number(),
});
export type FlatPanelStatusDto = z.infer<typeof FlatPanelStatusDto>;

export const FlatPanelLightBody = z.object({
  on: z.boolean(),
  brightness: z.number().int().min(1).optional().describe("required when on"),
});

export const FlatPanelCoverBody = z.object({ action: z.enum(["open", "close", "halt"]) });

export function toFlatPanelStatusDto(
  c: FlatPanelCapabilities,
  s: FlatPanelStatus,
): FlatPanelStatusDto {
  return {
    connected: s.connected,
    cover: s.cover,
    light: s.calibrator,
    brightness: s.brightness,
    max_brightness: c.maxBrightness,
  };
}
