/**
 * Profile options every serial driver takes (the port, its speed, a reply deadline and the status
 * poll period), as a shape each driver's own schema spreads beside its factory; and the options of
 * the four hand-controller mounts (LX200, OnStep, SynScan, NexStar), which share one schema.
 */
import { z } from "zod";
import { BAUD_RATES } from "./termios.ts";

export const SERIAL_PORT_OPTIONS = {
  path: z.string().trim().min(1)
    .describe(
      "the serial device, e.g. /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0",
    ),
  baud: z.literal(BAUD_RATES).default(9600),
  timeoutMs: z.number().min(20).max(30_000).default(1000)
    .describe("how long one command may take to be answered, ms"),
  pollMs: z.number().min(20).max(10_000).default(250).describe("status poll period, ms"),
};

/** What SerialLink needs. */
export interface SerialOptions {
  path: string;
  baud: number;
  timeoutMs: number;
  pollMs: number;
}

export const SerialMountOptions = z.strictObject({
  ...SERIAL_PORT_OPTIONS,
  horizonLimitDeg: z.number().min(-10).max(80).default(0)
    .describe("gotos below this altitude are refused (SynScan and NexStar never refuse one)"),
  alignment: z.enum(["germanPolar", "polar", "altAz"]).optional()
    .describe('default: "polar" for LX200, "germanPolar" for OnStep, SynScan and NexStar'),
  slewRateDegPerS: z.number().min(0.1).max(100).default(4)
    .describe("the mount's fastest slew, degrees/second (informative)"),
}).meta({ id: "SerialMountOptions" });
export type SerialMountOptions = z.output<typeof SerialMountOptions>;
