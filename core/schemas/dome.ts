/** API shapes of the dome group. */
import { z } from "zod";
import type { DomeStatus } from "../../devices/dome.ts";

export const ShutterStateSchema = z.enum(["open", "closed", "opening", "closing", "error"]);

export const DomeStatusDto = z.object({
  connected: z.boolean(),
  shutter: ShutterStateSchema,
  azimuth: z.number().describe("degrees"),
  target_azimuth: z.number().nullable(),
  slewing: z.boolean(),
  parked: z.boolean(),
  at_home: z.boolean(),
  slaved: z.boolean(),
});
export type DomeStatusDto = z.infer<typeof DomeStatusDto>;

export const DomeSlewBody = z.object({ azimuth: z.number().min(0).lt(360) });
export const DomeShutterBody = z.object({ action: z.enum(["open", "close"]) });
export const DomeSlavedBody = z.object({ slaved: z.boolean() });

export function toDomeStatusDto(s: DomeStatus): DomeStatusDto {
  return {
    connected: s.connected,
    shutter: s.shutter,
    azimuth: s.azimuthDeg,
    target_azimuth: s.targetAzimuthDeg,
    slewing: s.slewing,
    parked: s.parked,
    at_home: s.atHome,
    slaved: s.slaved,
  };
}
