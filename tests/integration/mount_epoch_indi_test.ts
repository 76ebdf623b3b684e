/**
 * Epoch through REST on an INDI mount: the real server, its mount role on the real
 * `indi_simulator_telescope` (Debian indi-bin), whose EQUATORIAL_EOD_COORD is JNow. A J2000 sync
 * and goto through the API must leave the simulator pointing at the JNow of those positions (read
 * with indi_getprop, not through our client), and `GET /mount/status` must give J2000 back.
 * Ignored without indi-bin.
 */
import { withServer } from "./_server.ts";
import { assertEpochFigures, restEpochRun } from "./_mount_epoch.ts";
import { hasIndiServer, startIndiServer } from "../indi/indiserver.ts";
import { indiGetNumber } from "../indi/harness.ts";

const DEVICE = "Telescope Simulator";

Deno.test({
  name: "epoch: REST sync, status and goto are J2000 on the INDI telescope simulator (JNow)",
  ignore: !hasIndiServer(),
  async fn() {
    const indi = await startIndiServer(["indi_simulator_telescope"]);
    try {
      await withServer(async (t) => {
        const figures = await restEpochRun(t, {
          mount: { driver: "indi", options: { port: indi.port, device: DEVICE } },
          pointing: async () => ({
            raHours: await indiGetNumber(indi.port, DEVICE, "EQUATORIAL_EOD_COORD", "RA"),
            decDeg: await indiGetNumber(indi.port, DEVICE, "EQUATORIAL_EOD_COORD", "DEC"),
          }),
        });
        assertEpochFigures("indi", figures);
      });
    } finally {
      await indi.stop();
    }
  },
});
