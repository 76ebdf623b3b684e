import { focuserContractSuite } from "../../tests/contracts/focuser_suite.ts";
import { indiFixture, stopFixtureTest } from "../../tests/indi/harness.ts";
import { IndiFocuser } from "./focuser.ts";

const fixture = await indiFixture(["indi_simulator_focus"]);
const INSTANT = "indi_simulator_focus jumps to the target in one step: it never reports Busy";

focuserContractSuite("indi", {
  create: () => Promise.resolve(new IndiFocuser(fixture.context("Focuser Simulator"))),
  dispose: (f) => f.disconnect(),
  motionTimeoutMs: 5000,
  skip: {
    "reports moving while under way": INSTANT,
    "halt stops short of the target": INSTANT,
    "onStatus fires during a move and carries the arrival": INSTANT,
  },
});

stopFixtureTest(fixture);
