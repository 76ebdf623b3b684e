/** The "alnitak" flat panel's profile options: only its serial port. */
import { z } from "zod";
import { SERIAL_PORT_OPTIONS } from "../options.ts";

export const AlnitakOptions = z.strictObject(SERIAL_PORT_OPTIONS).meta({ id: "AlnitakOptions" });
export type AlnitakOptions = z.output<typeof AlnitakOptions>;
