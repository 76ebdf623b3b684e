/**
 * The guider contract suite against Phd2Guider talking to the fake PHD2 server over real loopback
 * TCP. Each case gets its own server (uncalibrated, so the first start calibrates) and its own
 * driver. PHD2 counts settle time in whole seconds, so the settle is 1 s in range within 10 s.
 */
import { systemClock } from "../../lib/clock.ts";
import type { Guider } from "../guider.ts";
import { guiderContractSuite } from "../../tests/contracts/guider_suite.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import { FakePhd2Server } from "../../tests/fakes/phd2_server.ts";
import { Phd2Guider } from "./guider.ts";
import { Phd2Options } from "./options.ts";

const phd2Context = contextFor(Phd2Options);

const servers = new WeakMap<Guider, FakePhd2Server>();

guiderContractSuite("phd2", {
  create: () => {
    const server = new FakePhd2Server({ frameMs: 50, calibrationSteps: 4 });
    const guider = new Phd2Guider(
      phd2Context(systemClock, { host: "127.0.0.1", port: server.port }),
    );
    servers.set(guider, server);
    return Promise.resolve(guider);
  },
  dispose: async (g) => {
    await g.disconnect();
    await servers.get(g)?.close();
  },
  settle: { pixels: 1.5, timeS: 1, timeoutS: 10 },
  motionTimeoutMs: 4000,
});
