/** Which INDI roles the box's own indiserver serves, and what it does with a bad driver. */
import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { silentLogger } from "../../lib/log.ts";
import type { RigPlan } from "../rig.ts";
import { IndiServerManager, managedDrivers } from "./server_manager.ts";

function plan(roles: RigPlan["roles"]): RigPlan {
  return {
    site: { latitudeDeg: 50, longitudeDeg: 8, elevationM: 100 },
    optics: { focalLengthMm: 500, apertureMm: 100 },
    roles,
  };
}

Deno.test("managedDrivers: local roles that name a driver, deduplicated; remote ones are not", () => {
  const p = plan({
    mount: {
      driver: "indi",
      options: { device: "Telescope Simulator", driver: "indi_simulator_telescope" },
    },
    camera: {
      driver: "indi",
      options: { device: "CCD Simulator", driver: "indi_simulator_ccd", port: 7625 },
    },
    focuser: {
      driver: "indi",
      options: { device: "F", driver: "indi_simulator_focus", host: "scope-pc.local" },
    },
    filterwheel: {
      driver: "indi",
      options: { device: "W", driver: "indi_simulator_wheel", port: 9999 },
    },
    rotator: { driver: "indi", options: { device: "R" } },
    dome: { driver: "sim", options: { driver: "indi_simulator_dome" } },
    weather: { driver: "indi", options: { device: "T2", driver: "indi_simulator_telescope" } },
  });
  assertEquals(managedDrivers(p, 7625), ["indi_simulator_ccd", "indi_simulator_telescope"]);
  // A role without a port is pointed at the box's port; explicit ones are left alone.
  assertEquals(p.roles.mount?.options.port, 7625);
  assertEquals(p.roles.filterwheel?.options.port, 9999);
  assertEquals(p.roles.focuser?.options.port, undefined);
});

Deno.test("IndiServerManager: an unknown or malformed driver is refused before anything starts", async () => {
  const stateDir = await Deno.makeTempDir();
  const manager = new IndiServerManager({
    port: 1,
    stateDir,
    log: silentLogger,
    binDir: "/nonexistent",
  });
  await assertRejects(() => manager.ensure(["indi_simulator_telescope"]), Error, "not installed");
  await assertRejects(() => manager.ensure(["rm -rf /"]), RangeError, "options.driver");
  assertEquals(manager.running, false);
  await manager.ensure([]); // nothing wanted: nothing runs
  assertEquals(manager.running, false);
  await Deno.remove(stateDir, { recursive: true });
});
