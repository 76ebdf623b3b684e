/** The hotspot's DNS/DHCP phase file: written only when it changes (a change restarts the AP). */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { CAPTIVE_DIR, CAPTIVE_FILE, writeCaptiveSnippet } from "./captive_dns.ts";
import { hotspotAddArgs, hotspotSsid } from "./hotspot.ts";

Deno.test("setup sends every name to the box; after setup no gateway and no DNS are offered", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-captive-" });
  try {
    const path = join(dir, CAPTIVE_DIR, CAPTIVE_FILE);
    assert(await writeCaptiveSnippet(dir, false), "first write");
    const setup = await Deno.readTextFile(path);
    assertMatch(setup, /^address=\/#\/10\.42\.0\.1$/m);
    assertMatch(setup, /^local=\/#\/$/m);
    assertEquals(await writeCaptiveSnippet(dir, false), false, "unchanged: no restart");
    assert(await writeCaptiveSnippet(dir, true), "the phase changed");
    const done = await Deno.readTextFile(path);
    assertMatch(done, /^dhcp-option=option:router$/m);
    assertMatch(done, /^dhcp-option=option:dns-server$/m);
    assert(!done.includes("address=/#/"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the hotspot: serial suffix, WPA2, pinned channel, shared mode, below home networks", () => {
  assertEquals(hotspotSsid("10000000ABCD1234"), "OpenSkyLab-1234");
  const args = hotspotAddArgs("OpenSkyLab-1234", "openskylab");
  const setting = (key: string) => args[args.indexOf(key) + 1];
  assertEquals(setting("802-11-wireless.mode"), "ap");
  assertEquals(setting("802-11-wireless.channel"), "6");
  assertEquals(setting("wifi-sec.proto"), "rsn");
  assertEquals(setting("ipv4.method"), "shared");
  assertEquals(setting("ipv4.addresses"), "10.42.0.1/24");
  assertEquals(setting("connection.autoconnect-priority"), "-10");
});
