/** The bridge's access rule, decision by decision (the integration test runs it on sockets). */
import { assertEquals } from "../../tests/_assert.ts";
import { AlpacaAccessPolicy } from "./access_policy.ts";
import { hashCredentials, type StoredSettings } from "./bridge_settings.ts";

const basic = (text: string) => `Basic ${btoa(text)}`;

Deno.test("alpaca access: trusted always; others by access and credentials; guessing waits", async () => {
  let nowMs = 0;
  const settings: StoredSettings = {
    enabled: true,
    access: "trusted",
    roles: ["mount"],
    credentials: null,
  };
  const policy = new AlpacaAccessPolicy({
    trustedNetworks: ["127.0.0.0/8", "10.42.0.0/24"],
    settings: () => settings,
    now: () => nowMs,
  });
  assertEquals(await policy.decide("10.42.0.17", null), { ok: true });
  assertEquals(await policy.decide("::ffff:127.0.0.1", null), { ok: true });
  assertEquals((await policy.decide("192.168.1.20", null) as { status: number }).status, 403);
  assertEquals(policy.mayAnswerDiscovery("192.168.1.20"), false);
  assertEquals(policy.mayAnswerDiscovery("10.42.0.17"), true);

  settings.access = "lan";
  assertEquals(await policy.decide("192.168.1.20", null), { ok: true });
  assertEquals(policy.mayAnswerDiscovery("192.168.1.20"), true);

  settings.credentials = await hashCredentials("nina", "pässwörd with: colon");
  const status = async (address: string, header: string | null) => {
    const d = await policy.decide(address, header);
    return d.ok ? 200 : d.status;
  };
  assertEquals(await status("10.42.0.17", null), 200);
  assertEquals(await status("192.168.1.20", null), 401);
  assertEquals(await status("192.168.1.20", "Bearer abc"), 401);
  assertEquals(await status("192.168.1.20", "Basic !!!"), 401);
  assertEquals(await status("192.168.1.20", basic("no colon")), 401);
  assertEquals(await status("192.168.1.21", basic("nina:wrong")), 401);
  // The right password a moment after a wrong one from the same address: wait first.
  const right = `Basic ${
    btoa(String.fromCharCode(...new TextEncoder().encode("nina:pässwörd with: colon")))
  }`;
  assertEquals(await status("192.168.1.21", right), 401);
  nowMs += 1001;
  assertEquals(await status("192.168.1.21", right), 200);
  assertEquals(await status("192.168.1.22", right), 200);
  assertEquals(await status("192.168.1.22", basic("mallory:pässwörd with: colon")), 401);

  // New credentials: the old header no longer opens the door.
  settings.credentials = await hashCredentials("nina", "another password");
  nowMs += 5000;
  assertEquals(await status("192.168.1.22", right), 401);
});
