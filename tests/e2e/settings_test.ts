/// <reference lib="dom" />
/**
 * Settings from the phone, in a real Chromium against a running box: the Box health card shows
 * what the box reads from a (recorded, copied) Raspberry Pi's /proc and /sys and follows its
 * `telemetry.update` events when those files change, and the ASCOM Alpaca card
 * changes the bridge — opened to the whole network, a device hidden, a password set and removed,
 * the server switched off and on — each checked on the box's API and on the Alpaca port itself.
 * The cards pass axe before and after the changes.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SYSFS_GET_THROTTLED } from "../../core/telemetry/throttled.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { withServer } from "../integration/_server.ts";
import { hasChromium, openPhone, until } from "./_phone.ts";

const PI_TREE = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../core/telemetry/testdata/pi4_rpios",
);
const CPU_TEMP = "sys/class/thermal/thermal_zone0/temp";

type Status = {
  enabled: boolean;
  listening: boolean;
  port: number | null;
  access: string;
  credentials: { username: string } | null;
  roles: { role: string; exposed: boolean }[];
};

/** The device types the Alpaca server lists, or null when nothing answers on its port. */
async function alpacaDevices(port: number): Promise<string[] | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/management/v1/configureddevices`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = await res.json() as { Value: { DeviceType: string }[] };
    return body.Value.map((d) => d.DeviceType);
  } catch {
    return null;
  }
}

Deno.test({
  name: "phone app: Settings shows the box's health and manages the Alpaca bridge",
  ignore: !hasChromium(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "openskylab-settings-" });
    const root = join(dir, "root");
    const copied = await new Deno.Command("cp", { args: ["-r", PI_TREE, root] }).output();
    assert(copied.success, "copied the recorded Raspberry Pi tree");
    // A sample every second, read from the copied tree, so the card's live update shows here;
    // the disk levels as low as they go, so the shared machine's free space cannot sway "healthy".
    const configToml = [
      "[telemetry]",
      "sample_interval_s = 1",
      `host_root = "${root}"`,
      'vcgencmd = ""',
      "disk_warn_mb = 1",
      "disk_reserve_mb = 1",
      "",
    ].join("\n");
    try {
      await withServer(async (t) => {
        const phone = await openPhone({ theme: "day" });
        const { page } = phone;
        const bridge = () => t.json<Status>("GET", "/alpaca");
        try {
          await page.goto(`${t.server.url}/#/settings`);
          const health = page.getByRole("region", { name: "Box health" });
          const stat = (name: string) => health.locator(".stat", { hasText: name }).locator("dd");
          // The recorded Pi: 61.8 °C, a weak supply (under-voltage and throttled now), Wi-Fi at
          // -52 dBm, up a day.
          await until(
            "the Pi's temperature",
            async () => (await stat("CPU").innerText()) === "61.8°C",
            10_000,
          );
          assertEquals(await stat("Power").innerText(), "trouble");
          assertEquals(await stat("Wi-Fi").innerText(), "-52 dBm");
          assertEquals(await stat("Machine up").innerText(), "24h 02m");
          assertEquals(await stat("Memory used").innerText(), "13%");
          assertMatch(await stat("Disk free").innerText(), /^[\d.]+ (MB|GB|TB)$/);
          await health.getByText("Now: under-voltage, throttled.").waitFor();
          await health.getByText("attention").waitFor();
          await phone.axe("settings, a Pi in trouble");

          // The supply recovers and the CPU cools: the firmware keeps only its sticky bits.
          await Deno.writeTextFile(join(root, SYSFS_GET_THROTTLED), "50000\n");
          await Deno.writeTextFile(join(root, CPU_TEMP), "48312\n");
          await until(
            "the card follows",
            async () => (await stat("CPU").innerText()) === "48.3°C",
            15_000,
          );
          await until(
            "power dipped",
            async () => (await stat("Power").innerText()) === "dipped",
            5_000,
          );
          await health.getByText("Since the machine started: under-voltage, throttled.", {
            exact: false,
          })
            .waitFor();
          await health.getByText("healthy").waitFor();

          const card = page.getByRole("region", { name: "ASCOM Alpaca" });
          const port = (await bridge()).port!;
          await card.getByText(`port ${port}`).waitFor();
          await phone.axe("settings");
          assert(
            (await alpacaDevices(port))?.includes("Telescope"),
            "the mount is served at first",
          );

          await card.getByRole("radio", { name: "Whole network" }).check();
          await until("opened to the LAN", async () => (await bridge()).access === "lan", 10_000);

          await card.getByRole("checkbox", { name: "Mount", exact: true }).uncheck();
          await until(
            "the mount hidden",
            async () => !(await bridge()).roles.find((r) => r.role === "mount")!.exposed,
            10_000,
          );
          assertEquals((await alpacaDevices(port))?.includes("Telescope"), false);

          await card.getByLabel("User name").fill("nina");
          await card.getByLabel("Password").fill("dark-skies-42");
          await card.getByRole("button", { name: "Set password" }).click();
          await until("set", async () => (await bridge()).credentials?.username === "nina", 10_000);
          await card.getByText(`sign in as "nina"`).waitFor();
          await card.getByRole("button", { name: "Remove password" }).click();
          await until("removed", async () => (await bridge()).credentials === null, 10_000);

          await card.getByRole("checkbox", { name: "Alpaca server on" }).uncheck();
          await until("switched off", async () => !(await bridge()).listening, 10_000);
          await card.getByText("off", { exact: true }).waitFor();
          assertEquals(await alpacaDevices(port), null, "nothing answers on the Alpaca port");
          await card.getByRole("checkbox", { name: "Alpaca server on" }).check();
          await until("switched on", async () => (await bridge()).listening, 10_000);
          const on = await bridge();
          assertEquals(on.enabled, true);
          assertEquals(on.access, "lan", "switching off and on keeps the other settings");
          await card.getByText(`port ${on.port}`).waitFor();
          assertEquals((await alpacaDevices(on.port!))?.includes("Telescope"), false);
          await phone.axe("settings after changes");
        } finally {
          await phone.close();
        }
      }, { configToml });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
