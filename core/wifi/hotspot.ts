/**
 * The box's own network, as NetworkManager settings. WPA2-PSK (RSN/CCMP), shared mode (DHCP and
 * DNS by NetworkManager's dnsmasq) at a pinned 10.42.0.1, band and channel pinned (left to itself
 * NetworkManager picked channel 13, which the default "world" regulatory domain forbids), and an
 * autoconnect priority below every home network: NetworkManager raises it by itself when no
 * known network is in range. The country is set once by the first boot (wifi_country in
 * openskylab.txt), which needs root.
 */

export const HOTSPOT_ID = "openskylab-hotspot";
/** Documented in the README; status reports `default_password` so setup asks to change it. */
export const DEFAULT_HOTSPOT_PASSWORD = "openskylab";
export const HOTSPOT_PRIORITY = -10;
/** Home networks added by the phone get this unless it says otherwise. */
export const DEFAULT_HOME_PRIORITY = 10;

/** "OpenSkyLab-1a2b": the serial's last four hex digits, like the hostname. */
export function hotspotSsid(serial: string): string {
  return `OpenSkyLab-${serial.toLowerCase().slice(-4)}`;
}

/** `nmcli connection add` of a Wi-Fi connection on whichever radio, then its `settings`. */
export function wifiAddArgs(name: string, ssid: string, settings: readonly string[]): string[] {
  return [
    "connection",
    "add",
    "type",
    "wifi",
    "ifname",
    "*",
    "con-name",
    name,
    "ssid",
    ssid,
    ...settings,
  ];
}

/** `nmcli connection add` arguments of the hotspot (the same settings as first-boot's keyfile). */
export function hotspotAddArgs(ssid: string, password: string): string[] {
  return wifiAddArgs(HOTSPOT_ID, ssid, [
    "connection.autoconnect",
    "yes",
    "connection.autoconnect-priority",
    String(HOTSPOT_PRIORITY),
    "802-11-wireless.mode",
    "ap",
    "802-11-wireless.band",
    "bg",
    "802-11-wireless.channel",
    "6",
    "wifi-sec.key-mgmt",
    "wpa-psk",
    "wifi-sec.proto",
    "rsn",
    "wifi-sec.pairwise",
    "ccmp",
    "wifi-sec.group",
    "ccmp",
    "wifi-sec.psk",
    password,
    "ipv4.method",
    "shared",
    "ipv4.addresses",
    "10.42.0.1/24",
    "ipv6.method",
    "disabled",
  ]);
}
