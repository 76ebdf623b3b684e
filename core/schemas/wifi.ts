/**
 * The Wi-Fi group's API shapes: the box's one radio is either its own hotspot (the phone's way in
 * on a field) or a client of a home network; the phone scans, joins, forgets and changes the
 * hotspot through these (routes/wifi.ts), and follows the `wifi.*` events.
 */
import { z } from "zod";

export const WIFI_MODES = ["hotspot", "client", "connecting", "disconnected"] as const;
export type WifiMode = typeof WIFI_MODES[number];

/** The hotspot's own address (NetworkManager's shared mode, pinned in the connection). */
export const HOTSPOT_IPV4 = "10.42.0.1";

const ssid = z.string().min(1, "an SSID has 1 to 32 bytes").refine(
  (s) => new TextEncoder().encode(s).length <= 32,
  "an SSID has 1 to 32 bytes",
).describe("the network's name");
const psk = z.string().min(8, "a WPA2 password has 8 to 63 characters").max(
  63,
  "a WPA2 password has 8 to 63 characters",
);

export const JoinAttemptDto = z.object({
  ssid: z.string(),
  trigger: z.enum(["user", "watchdog"]).describe("asked by the phone, or the box going home"),
  outcome: z.enum(["started", "joined", "failed"]),
  reason: z.string().nullable().describe("why it failed (nmcli's words), null otherwise"),
  elapsed_s: z.number(),
  at_ms: z.number(),
});
export type JoinAttempt = z.infer<typeof JoinAttemptDto>;

export const WifiStatusDto = z.object({
  mode: z.enum(WIFI_MODES),
  device: z.string().nullable().describe("the radio NetworkManager manages (wlan0)"),
  ssid: z.string().nullable().describe("the home network joined, or the hotspot's name"),
  ipv4: z.string().nullable().describe("the box's address on that network"),
  hotspot: z.object({
    ssid: z.string(),
    ipv4: z.string(),
    active: z.boolean(),
    default_password: z.boolean().describe("still the documented default: setup asks to change it"),
  }),
  setup_complete: z.boolean().describe(
    "false: the hotspot is a captive portal; true: it offers no gateway, phones keep mobile data",
  ),
  last_join: JoinAttemptDto.nullable(),
});
export type WifiStatus = z.infer<typeof WifiStatusDto>;

export const VisibleNetworkDto = z.object({
  ssid: z.string(),
  signal_pct: z.number().describe("0..100"),
  security: z.string().describe("e.g. WPA2, WPA1 WPA2, or empty for an open network"),
  channel: z.number(),
  known: z.boolean().describe("a saved network"),
  in_use: z.boolean(),
});

export const ScanDto = z.object({ networks: z.array(VisibleNetworkDto) });

export const SavedNetworkDto = z.object({
  ssid: z.string(),
  priority: z.number().int().describe("higher is joined first; the hotspot is -10"),
  active: z.boolean(),
});

export const SavedNetworksDto = z.object({ networks: z.array(SavedNetworkDto) });

export const ConnectBody = z.object({
  ssid,
  password: psk.optional().describe("omit for an open network or to reuse the saved one"),
  priority: z.number().int().min(0).max(100).optional().describe("0..100, default 10"),
});
export type ConnectRequest = z.infer<typeof ConnectBody>;

export const ConnectPlanDto = z.object({
  accepted: z.literal(true),
  ssid: z.string(),
  drops_your_connection: z.boolean().describe(
    "true when the phone is on the hotspot: the radio leaves it to join",
  ),
  starts_in_s: z.number().describe("the join starts after this delay, so this answer arrives"),
  verify_within_s: z.number().describe("the join is verified or given up within this time"),
  message: z.string().describe("what will happen to the phone's connection, in words"),
});

export const ForgetBody = z.object({ ssid });

export const HotspotBody = z.object({
  ssid: ssid.optional(),
  password: psk.optional(),
  setup_complete: z.boolean().optional().describe(
    "true ends the captive portal: the hotspot stops offering a gateway and DNS",
  ),
}).refine(
  (b) => b.ssid !== undefined || b.password !== undefined || b.setup_complete !== undefined,
  "give ssid, password or setup_complete",
);
export type HotspotRequest = z.infer<typeof HotspotBody>;
