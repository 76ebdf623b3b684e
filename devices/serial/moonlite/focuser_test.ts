/**
 * The focuser contract over a real tty: the "moonlite" driver against our simulated Moonlite
 * (tests/fakes/serial/moonlite_device.ts) through a socat pty pair, with a 10000-step range so a
 * fifth of it (the suite's long move) takes half a second at 4000 steps/s.
 */
import type { Focuser } from "../../focuser.ts";
import { focuserContractSuite } from "../../../tests/contracts/focuser_suite.ts";
import { RigTable } from "../../../tests/fakes/serial/_harness.ts";
import { MoonliteDevice } from "../../../tests/fakes/serial/moonlite_device.ts";
import { MoonliteFocuser } from "./focuser.ts";
import { MoonliteOptions } from "./options.ts";

const rigs = new RigTable<Focuser, MoonliteDevice>();
focuserContractSuite("moonlite", {
  create: () =>
    rigs.create(
      () => new MoonliteDevice(5000, 4000),
      MoonliteOptions,
      (ctx) => new MoonliteFocuser(ctx),
      {
        maxPosition: 10000,
      },
    ),
  dispose: (focuser) => rigs.dispose(focuser),
});
