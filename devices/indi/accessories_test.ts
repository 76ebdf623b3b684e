/**
 * The filter wheel, rotator, dome, weather and flat panel contract suites against the INDI
 * drivers, talking to the Debian simulators under one real indiserver.
 */
import { domeContractSuite } from "../../tests/contracts/dome_suite.ts";
import { filterWheelContractSuite } from "../../tests/contracts/filterwheel_suite.ts";
import { flatPanelContractSuite } from "../../tests/contracts/flatpanel_suite.ts";
import { rotatorContractSuite } from "../../tests/contracts/rotator_suite.ts";
import { weatherContractSuite } from "../../tests/contracts/weather_suite.ts";
import { indiFixture, stopFixtureTest } from "../../tests/indi/harness.ts";
import { IndiDome } from "./dome.ts";
import { IndiFilterWheel } from "./filterwheel.ts";
import { IndiFlatPanel } from "./flatpanel.ts";
import { IndiRotator } from "./rotator.ts";
import { IndiWeather } from "./weather.ts";

const fixture = await indiFixture([
  "indi_simulator_wheel",
  "indi_simulator_rotator",
  "indi_simulator_dome",
  "indi_simulator_weather",
  "indi_simulator_lightpanel",
]);

filterWheelContractSuite("indi", {
  create: () => Promise.resolve(new IndiFilterWheel(fixture.context("Filter Simulator"))),
  dispose: (w) => w.disconnect(),
  motionTimeoutMs: 5000,
});

rotatorContractSuite("indi", {
  create: () => Promise.resolve(new IndiRotator(fixture.context("Rotator Simulator"))),
  dispose: (r) => r.disconnect(),
  motionTimeoutMs: 8000,
});

domeContractSuite("indi", {
  create: () => Promise.resolve(new IndiDome(fixture.context("Dome Simulator"))),
  dispose: (d) => d.disconnect(),
  motionTimeoutMs: 15000,
  skip: {
    "park ends parked; findHome ends at home":
      "indi_simulator_dome defines no DOME_HOME, so findHome answers 409",
  },
});

weatherContractSuite("indi", {
  create: () => Promise.resolve(new IndiWeather(fixture.context("Weather Simulator"))),
  dispose: (w) => w.disconnect(),
  motionTimeoutMs: 5000,
});

flatPanelContractSuite("indi", {
  create: () => Promise.resolve(new IndiFlatPanel(fixture.context("Light Panel Simulator"))),
  dispose: (p) => p.disconnect(),
  motionTimeoutMs: 5000,
});

stopFixtureTest(fixture);
