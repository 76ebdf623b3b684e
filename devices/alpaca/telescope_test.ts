/**
 * The mount contract suite for the Alpaca client against a remote that speaks JNow
 * (EquatorialSystem 1, as most real telescopes do): tests/fakes/alpaca_telescope.ts over loopback
 * HTTP. The round trip through our own Alpaca server (tests/integration/alpaca_roundtrip_test.ts)
 * only ever sees J2000, so this is where the client's conversion is proven.
 */
import { systemClock } from "../../lib/clock.ts";
import { contextFor, harnessContext } from "../../tests/contracts/_wait.ts";
import { mountContractSuite } from "../../tests/contracts/mount_suite.ts";
import { FakeAlpacaTelescope } from "../../tests/fakes/alpaca_telescope.ts";
import type { Mount } from "../mount.ts";
import { AlpacaOptions } from "./options.ts";
import { AlpacaMount } from "./telescope.ts";

const SITE = harnessContext(systemClock).site;
const remotes = new Map<Mount, FakeAlpacaTelescope>();

mountContractSuite("alpaca (JNow remote)", {
  site: SITE,
  motionTimeoutMs: 4000,
  create: () => {
    const remote = new FakeAlpacaTelescope(SITE, 60);
    remote.start();
    const mount = new AlpacaMount(
      contextFor(AlpacaOptions)(systemClock, {
        host: "127.0.0.1",
        port: remote.port,
        deviceNumber: 0,
        pollMs: 50,
      }),
    );
    remotes.set(mount, remote);
    return Promise.resolve(mount);
  },
  dispose: async (mount) => {
    await mount.disconnect();
    await remotes.get(mount)?.stop();
    remotes.delete(mount);
  },
  devicePointing: (mount) => {
    const model = remotes.get(mount)!.model;
    model.update();
    return Promise.resolve({ frame: "JNow", position: { ...model.position } });
  },
});
