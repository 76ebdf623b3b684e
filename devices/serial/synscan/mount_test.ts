/**
 * The mount contract suite over a real tty for the "synscan" and "nexstar" drivers, against our
 * simulated hand controllers (tests/fakes/serial/synscan_device.ts) through socat pty pairs.
 * Neither protocol can park: the contract then checks that park is refused.
 */
import { systemClock } from "../../../lib/clock.ts";
import type { Mount } from "../../mount.ts";
import { harnessContext } from "../../../tests/contracts/_wait.ts";
import { mountContractSuite } from "../../../tests/contracts/mount_suite.ts";
import { RigTable } from "../../../tests/fakes/serial/_harness.ts";
import { SynScanDevice } from "../../../tests/fakes/serial/synscan_device.ts";
import { SerialMountOptions } from "../options.ts";
import { createNexStarMount, createSynScanMount } from "./mount.ts";

const SITE = harnessContext(systemClock).site;

for (const flavour of ["synscan", "nexstar"] as const) {
  const rigs = new RigTable<Mount, SynScanDevice>();
  mountContractSuite(flavour, {
    site: SITE,
    motionTimeoutMs: 4000,
    create: () =>
      rigs.create(
        () => new SynScanDevice(flavour, SITE, 60),
        SerialMountOptions,
        flavour === "synscan" ? createSynScanMount : createNexStarMount,
      ),
    dispose: (mount) => rigs.dispose(mount),
    // The simulated controller's own sky is of date, whatever its wire speaks.
    devicePointing: (mount) => {
      const model = rigs.fake(mount).model;
      model.update();
      return Promise.resolve({ frame: "JNow", position: { ...model.position } });
    },
  });
}
