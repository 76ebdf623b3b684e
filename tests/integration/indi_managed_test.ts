/**
 * The box's own indiserver: a profile whose INDI roles name driver binaries makes the box start
 * `indiserver` on its INDI port with exactly those drivers, the roles connect through it, and a
 * profile without INDI roles stops it again. Needs Debian's indi-bin; ignored without it.
 */
import { assert, assertEquals } from "../_assert.ts";
import { hasIndiServer } from "../indi/indiserver.ts";
import { withServer } from "./_server.ts";
import { freePort } from "../bench/_util.ts";

async function listening(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

interface Role {
  role: string;
  driver: string | null;
  state: string;
  last_error: string | null;
}

Deno.test({
  name: "indi: the box runs its own indiserver for the profile's INDI roles, and stops it",
  ignore: !hasIndiServer(),
  async fn() {
    const indiPort = freePort();
    await withServer(async (t) => {
      const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
        "GET",
        "/profiles/active",
      );
      const indi = {
        ...active,
        devices: {
          ...active.devices,
          focuser: {
            driver: "indi",
            options: { device: "Focuser Simulator", driver: "indi_simulator_focus" },
          },
          filterwheel: {
            driver: "indi",
            options: { device: "Filter Simulator", driver: "indi_simulator_wheel" },
          },
        },
      };
      await t.json("PUT", `/profiles/${active.id}`, indi);
      assert(await listening(indiPort), "the box's indiserver listens on its INDI port");
      const deadline = Date.now() + 20_000;
      let roles: Role[] = [];
      while (Date.now() < deadline) {
        roles = (await t.json<{ devices: Role[] }>("GET", "/devices")).devices;
        const indiRoles = roles.filter((r) => r.driver === "indi");
        if (indiRoles.length === 2 && indiRoles.every((r) => r.state === "connected")) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const focuser = roles.find((r) => r.role === "focuser");
      assertEquals(focuser?.state, "connected", JSON.stringify(roles));
      const status = await t.json<{ max_position: number }>("GET", "/focuser/status");
      assert(status.max_position > 0);

      // Back to simulators only: the box's indiserver goes away with its drivers.
      await t.json("PUT", `/profiles/${active.id}`, active);
      assertEquals(await listening(indiPort), false);
    }, { configToml: `[indi]\nport = ${indiPort}\n` });
  },
});
