import { mountContractSuite } from "../../tests/contracts/mount_suite.ts";
import { indiFixture, stopFixtureTest } from "../../tests/indi/harness.ts";
import { IndiMount } from "./mount.ts";

const fixture = await indiFixture(["indi_simulator_telescope"]);

mountContractSuite("indi", {
  site: fixture.context("Telescope Simulator").site,
  create: () => Promise.resolve(new IndiMount(fixture.context("Telescope Simulator"))),
  dispose: (m) => m.disconnect(),
  motionTimeoutMs: 30000,
  skip: {
    "goto arrives and tracks":
      "indi_simulator_telescope 1.9.9 ends a goto ~14 s of RA (the slew's duration) off the target",
  },
});

stopFixtureTest(fixture);
