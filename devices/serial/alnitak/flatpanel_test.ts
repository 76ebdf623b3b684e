/**
 * The flat panel contract over a real tty: the "alnitak" driver against our simulated Flip-Flat
 * and Flat-Man (tests/fakes/serial/alnitak_device.ts) through socat pty pairs.
 */
import type { FlatPanel } from "../../flatpanel.ts";
import { flatPanelContractSuite } from "../../../tests/contracts/flatpanel_suite.ts";
import { RigTable } from "../../../tests/fakes/serial/_harness.ts";
import { AlnitakDevice } from "../../../tests/fakes/serial/alnitak_device.ts";
import { AlnitakFlatPanel } from "./flatpanel.ts";
import { AlnitakOptions } from "./options.ts";

const NO_HALT = "the Alnitak protocol has no command to stop the cover motor midway";

for (const [label, productId] of [["alnitak Flip-Flat", 99], ["alnitak Flat-Man", 19]] as const) {
  const rigs = new RigTable<FlatPanel, AlnitakDevice>();
  flatPanelContractSuite(label, {
    create: () =>
      rigs.create(
        () => new AlnitakDevice(productId, 400),
        AlnitakOptions,
        (ctx) => new AlnitakFlatPanel(ctx),
      ),
    dispose: (panel) => rigs.dispose(panel),
    skip: productId === 99 ? { "haltCover stops the cover": NO_HALT } : {},
  });
}
