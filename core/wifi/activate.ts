/**
 * Bringing a saved home network up. NetworkManager answers a handshake that did not finish with
 * "Secrets were required, but not provided": it takes the key for wrong and asks the user for
 * another, and the box has nobody to ask. It says the same when the key was right and the access
 * point's handshake timed out (seen in the VM under load: the first 4-way handshake completed,
 * the access point's repeat of it a second later did not). So a refusal for want of a key is tried
 * once more before the join is given up; a wrong password fails twice, ~10 s later than once.
 */
import type { Logger } from "../../lib/log.ts";
import type { NmcliRunner } from "./nmcli.ts";

const WANTS_KEY = /Secrets were required/;

export async function activateNetwork(
  nm: NmcliRunner,
  log: Logger,
  o: { uuid: string; ssid: string; waitS: number },
): Promise<void> {
  const up = () =>
    nm.run(["--wait", String(o.waitS), "connection", "up", "uuid", o.uuid], (o.waitS + 10) * 1000);
  try {
    await up();
  } catch (err) {
    if (!WANTS_KEY.test(err instanceof Error ? err.message : String(err))) throw err;
    log.info("NetworkManager asked for the key again; trying once more", { ssid: o.ssid });
    await up();
  }
}
