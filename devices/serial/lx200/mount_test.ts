/**
 * The mount contract suite over a real tty: the "lx200" (Meade) and "onstep" drivers talk through
 * a socat pty pair to our simulated hand controllers (tests/fakes/serial/lx200_device.ts), which
 * slew at 60°/s. Meade cannot unpark, so the Meade driver offers no park and the contract checks
 * that park is refused.
 */
import type { Mount } from "../../mount.ts";
import { harnessContext } from "../../../tests/contracts/_wait.ts";
import { mountContractSuite } from "../../../tests/contracts/mount_suite.ts";
import { RigTable } from "../../../tests/fakes/serial/_harness.ts";
import { Lx200Device } from "../../../tests/fakes/serial/lx200_device.ts";
import { systemClock } from "../../../lib/clock.ts";
import { SerialMountOptions } from "../options.ts";
import { createLx200Mount, createOnStepMount } from "./mount.ts";

const SITE = harnessContext(systemClock).site;

for (const flavour of ["meade", "onstep"] as const) {
  const rigs = new RigTable<Mount, Lx200Device>();
  mountContractSuite(flavour === "meade" ? "lx200" : "onstep", {
    site: SITE,
    motionTimeoutMs: 4000,
    create: () =>
      rigs.create(
        () => new Lx200Device(flavour, SITE, 60),
        SerialMountOptions,
        flavour === "meade" ? createLx200Mount : createOnStepMount,
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
