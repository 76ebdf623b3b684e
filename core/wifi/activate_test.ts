/**
 * A refusal for want of a key is tried once more (a handshake that timed out with the right key
 * reads the same as a wrong key); a second one, or any other failure, ends the join. nmcli here is
 * a runner that plays NetworkManager's answers, not a binary.
 */
import { silentLogger } from "../../lib/log.ts";
import { assertEquals, assertMatch } from "../../tests/_assert.ts";
import { activateNetwork } from "./activate.ts";
import { NmcliError, type NmcliRunner } from "./nmcli.ts";

const NO_SECRETS = "Warning: password for '802-11-wireless-security.psk' not given in " +
  "'passwd-file' and nmcli cannot ask without '--ask' option.\n" +
  "Error: Connection activation failed: Secrets were required, but not provided";

function scripted(answers: (string | Error)[]): NmcliRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run(args) {
      calls.push([...args]);
      const next = answers.shift() ?? new Error("nothing more scripted");
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
}

const network = { uuid: "8bc968c7-16a4-404d-b4b8-a3f345095609", ssid: "Observatory", waitS: 30 };
const upArgs = ["--wait", "30", "connection", "up", "uuid", network.uuid];

Deno.test("activate: asked for the key once → tried again, and up", async () => {
  const nm = scripted([new NmcliError(upArgs, NO_SECRETS, 4), "Connection successfully activated"]);
  await activateNetwork(nm, silentLogger, network);
  assertEquals(nm.calls, [upArgs, upArgs]);
});

Deno.test("activate: asked for the key twice (a wrong password) → the join fails with it", async () => {
  const nm = scripted([
    new NmcliError(upArgs, NO_SECRETS, 4),
    new NmcliError(upArgs, NO_SECRETS, 4),
  ]);
  const err = await activateNetwork(nm, silentLogger, network).then(() => null, (e) => e);
  assertMatch(String(err), /Secrets were required/);
  assertEquals(nm.calls.length, 2);
});

Deno.test("activate: any other failure is not tried again", async () => {
  const nm = scripted([
    new NmcliError(
      upArgs,
      "Error: Connection activation failed: IP configuration could not be reserved",
      4,
    ),
  ]);
  const err = await activateNetwork(nm, silentLogger, network).then(() => null, (e) => e);
  assertMatch(String(err), /IP configuration/);
  assertEquals(nm.calls.length, 1);
});
