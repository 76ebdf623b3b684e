/** API shapes of the rotator group. */
import { z } from "zod";
import type { RotatorStatus } from "../../devices/rotator.ts";

const angleDeg = z.number().min(0).lt(360).describe("degrees [0, 360)");

export const RotatorStatusDto = z.object({
  connected: z.boolean(),
  position: z.number().describe("sky position angle, degrees"),
  mechanical_position: z.number(),
  target_position: z.number(),
  moving: z.boolean(),
  reversed: z.boolean(),
});
export type RotatorStatusDto = z.infer<typeof RotatorStatusDto>;

export const RotatorMoveBody = z.object({ position: angleDeg });
export const RotatorMoveMechanicalBody = z.object({ position: angleDeg });
export const RotatorSyncBody = z.object({ position: angleDeg });
export const RotatorReverseBody = z.object({ reversed: z.boolean() });

export function toRotatorStatusDto(s: RotatorStatus): RotatorStatusDto {
  return {
    connected: s.connected,
    position: s.positionDeg,
    mechanical_position: s.mechanicalPositionDeg,
    target_position: s.targetPositionDeg,
    moving: s.moving,
    reversed: s.reversed,
  };
}
