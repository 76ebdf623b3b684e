/**
 * Epoch through REST on serial mounts: the real server, its mount role on the LX200 (Meade),
 * OnStep and NexStar drivers over a socat pty, each talking to our simulated hand controller,
 * which — like the real ones — speaks JNow. A J2000 sync and goto through the API must leave the
 * controller at the JNow of those positions, and `GET /mount/status` must give J2000 back.
 * SynScan controllers speak J2000 (INDI's synscandriver treats them so): the same run must hold
 * there too, with the controller at the J2000 values themselves.
 */
import { withServer } from "./_server.ts";
import { assertEpochFigures, restEpochRun } from "./_mount_epoch.ts";
import { SocatPair } from "../fakes/serial/socat_pair.ts";
import { Lx200Device } from "../fakes/serial/lx200_device.ts";
import { SynScanDevice } from "../fakes/serial/synscan_device.ts";
import type { Site } from "../../devices/device.ts";

type Fake = Lx200Device | SynScanDevice;

const FAMILIES: { driver: string; make: (site: Site) => Fake }[] = [
  { driver: "lx200", make: (site) => new Lx200Device("meade", site, 60) },
  { driver: "onstep", make: (site) => new Lx200Device("onstep", site, 60) },
  { driver: "nexstar", make: (site) => new SynScanDevice("nexstar", site, 60) },
  { driver: "synscan", make: (site) => new SynScanDevice("synscan", site, 60) },
];

for (const family of FAMILIES) {
  Deno.test(`epoch: REST sync, status and goto are J2000 on ${family.driver} over a pty`, async () => {
    await withServer(async (t) => {
      const { site } = await t.json<{ site: { latitude: number; longitude: number } }>(
        "GET",
        "/profiles/active",
      );
      const pair = await SocatPair.create();
      const fake = family.make({
        latitudeDeg: site.latitude,
        longitudeDeg: site.longitude,
        elevationM: 0,
      });
      await fake.attach(pair.devicePath);
      try {
        const figures = await restEpochRun(t, {
          mount: { driver: family.driver, options: { path: pair.driverPath, pollMs: 50 } },
          // The controller's sky is of date; the test reads it, not what the wire says.
          pointing: () => {
            fake.model.update();
            return Promise.resolve({ ...fake.model.position });
          },
        });
        assertEpochFigures(family.driver, figures);
      } finally {
        // The server (and so the driver) goes first: switch the role back to the simulator.
        const active = await t.json<Record<string, unknown> & { id: string; devices: object }>(
          "GET",
          "/profiles/active",
        );
        await t.json("PUT", `/profiles/${active.id}`, {
          ...active,
          devices: { ...active.devices, mount: { driver: "sim", options: {} } },
        });
        await fake.detach();
        await pair.dispose();
      }
    });
  });
}
