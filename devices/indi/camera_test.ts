import { cameraContractSuite } from "../../tests/contracts/camera_suite.ts";
import { indiFixture, stopFixtureTest } from "../../tests/indi/harness.ts";
import { IndiCamera } from "./camera.ts";

const fixture = await indiFixture(["indi_simulator_ccd"]);

cameraContractSuite("indi", {
  create: () => Promise.resolve(new IndiCamera(fixture.context("CCD Simulator"))),
  dispose: (c) => c.disconnect(),
  motionTimeoutMs: 8000,
});

stopFixtureTest(fixture);
