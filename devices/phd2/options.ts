/**
 * The phd2 driver's profile options (`Phd2Options`). PHD2's event server listens on
 * 4400 + (instance − 1) (phd2.md, Transport): `instance` picks a running PHD2 among several,
 * `port` overrides the computed port outright.
 */
import { z } from "zod";

export const PHD2_BASE_PORT = 4400;

export const Phd2Options = z.strictObject({
  host: z.string().trim().min(1).default("localhost").describe("where PHD2 runs"),
  port: z.number().int().min(1).max(65_535).optional()
    .describe("PHD2's event server port; default: 4400 + instance − 1"),
  instance: z.number().int().min(1).max(100).default(1)
    .describe("which PHD2 on that host, when several run"),
  requestTimeoutSeconds: z.number().gt(0).default(10).describe("deadline of one request to PHD2"),
  // PHD2's graph and most guiding tools show RMS over the last 50 steps.
  rmsWindowSteps: z.number().int().min(1).max(10_000).default(50)
    .describe("guide steps the RMS is taken over"),
  connectEquipment: z.boolean().default(true)
    .describe("ask PHD2 to connect its camera and mount when they are not"),
}).meta({ id: "Phd2Options" });
export type Phd2Options = z.output<typeof Phd2Options>;

/** What the driver connects with: the port settled, the deadline in milliseconds. */
export interface Phd2Setup {
  host: string;
  port: number;
  requestTimeoutMs: number;
  rmsWindowSteps: number;
  /** Ask PHD2 to connect its camera and mount (set_connected) when they are not. */
  connectEquipment: boolean;
}

export function phd2Setup(options: Phd2Options): Phd2Setup {
  return {
    host: options.host,
    port: options.port ?? PHD2_BASE_PORT + options.instance - 1,
    requestTimeoutMs: options.requestTimeoutSeconds * 1000,
    rmsWindowSteps: options.rmsWindowSteps,
    connectEquipment: options.connectEquipment,
  };
}
