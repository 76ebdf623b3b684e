/** The simulated dome's profile options: its speeds and its park, home and start azimuths. */
import { z } from "zod";

const azimuth = (what: string) => z.number().min(0).max(360).describe(`${what}, degrees`);

export const SimDomeOptions = z.strictObject({
  shutterSeconds: z.number().gt(0).default(10).describe("time to open or close the shutter"),
  speedDegPerS: z.number().gt(0).default(5),
  parkAzimuthDeg: azimuth("park azimuth").default(0),
  homeAzimuthDeg: azimuth("home azimuth").default(0),
  startAzimuthDeg: azimuth("where it powers up; default: parked").optional(),
}).meta({ id: "SimDomeOptions" });
export type SimDomeOptions = z.output<typeof SimDomeOptions>;
