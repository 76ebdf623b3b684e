import { mountContractSuite } from "../../tests/contracts/mount_suite.ts";
import { indiFixture, indiGetNumber, stopFixtureTest } from "../../tests/indi/harness.ts";
import { IndiMount } from "./mount.ts";

const fixture = await indiFixture(["indi_simulator_telescope"]);
const DEVICE = "Telescope Simulator";

mountContractSuite("indi", {
  site: fixture.context(DEVICE).site,
  create: () => Promise.resolve(new IndiMount(fixture.context(DEVICE))),
  dispose: (m) => m.disconnect(),
  // The simulator's EQUATORIAL_EOD_COORD is JNow (it defines no J2000 EQUATORIAL_COORD).
  devicePointing: async () => {
    const port = fixture.server!.port;
    return {
      frame: "JNow",
      position: {
        raHours: await indiGetNumber(port, DEVICE, "EQUATORIAL_EOD_COORD", "RA"),
        decDeg: await indiGetNumber(port, DEVICE, "EQUATORIAL_EOD_COORD", "DEC"),
      },
    };
  },
  motionTimeoutMs: 30000,
  skip: {
    "goto arrives and tracks":
      "indi_simulator_telescope 1.9.9 ends a goto ~14 s of RA (the slew's duration) off the target",
  },
});

stopFixtureTest(fixture);
