/**
 * The manager's start while NetworkManager is slow (at boot, on a loaded box): it asks again
 * until NetworkManager answers, the API says why meanwhile, and a stop ends the wait. Measured in
 * the VM: the first `nmcli general` took over 10 s at a load of 10 and the manager used to give
 * up for good. nmcli here is a runner that plays NetworkManager's answers, not a binary.
 */
import { EventBus } from "../event_bus.ts";
import { systemClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { NmcliError, type NmcliRunner } from "./nmcli.ts";
import { WifiManager } from "./wifi_manager.ts";

function manager(nm: NmcliRunner) {
  return new WifiManager({
    nm,
    apScanner: null,
    bus: new EventBus({ clock: systemClock, validate: true }),
    log: silentLogger,
    clock: systemClock,
    dataDir: "/nonexistent",
    serial: () => Promise.resolve("0123456789abcdef"),
    pollEveryMs: 10,
  });
}

const slow = (args: readonly string[]) =>
  Promise.reject(new NmcliError(args, "nmcli -f RUNNING general did not finish within 10 s", null));

Deno.test("Wi-Fi start: NetworkManager slow at boot → asked again until it answers", async () => {
  const asked: string[] = [];
  let runningAsked = 0;
  const wifi = manager({
    run(args) {
      asked.push(args.join(" "));
      if (args.includes("RUNNING")) {
        return ++runningAsked < 3 ? slow(args) : Promise.resolve("running\n");
      }
      // What comes after NetworkManager answered is not this test's: end the start here.
      return Promise.reject(new NmcliError(args, "end of the script", 1));
    },
  });
  const started = wifi.start().then(() => "started", (err) => String(err));
  assertMatch(await started, /end of the script/);
  assertEquals(runningAsked, 3);
  assertEquals(wifi.unavailableReason, null);
  assert(asked.length > 3, "it went on once NetworkManager answered");
  await wifi.stop();
});

Deno.test("Wi-Fi start: while NetworkManager does not answer, a 503 says so; stop ends the wait", async () => {
  const wifi = manager({ run: slow });
  const started = wifi.start();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertMatch(wifi.unavailableReason ?? "", /NetworkManager does not answer/);
  const err = await wifi.status().then(() => null, (e) => e);
  assertEquals(err?.status, 503);
  await wifi.stop();
  await started;
});

Deno.test("Wi-Fi start: no nmcli at all is not waited for", async () => {
  const wifi = manager({ run: () => Promise.reject(new Deno.errors.NotFound("nmcli")) });
  await wifi.start();
  assertMatch(wifi.unavailableReason ?? "", /no NetworkManager/);
  await wifi.stop();
});
