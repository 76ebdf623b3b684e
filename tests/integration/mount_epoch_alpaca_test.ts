/**
 * Epoch through REST on an Alpaca mount: the real server, its mount role on our Alpaca client,
 * aimed at a remote telescope that declares EquatorialSystem 1 (topocentric, JNow) and speaks
 * coordinates of date (tests/fakes/alpaca_telescope.ts). A J2000 sync and goto through the API
 * must leave the remote at the JNow of those positions, and `GET /mount/status` must give J2000.
 */
import { withServer } from "./_server.ts";
import { assertEpochFigures, restEpochRun } from "./_mount_epoch.ts";
import { FakeAlpacaTelescope } from "../fakes/alpaca_telescope.ts";

Deno.test("epoch: REST sync, status and goto are J2000 on a JNow Alpaca telescope", async () => {
  await withServer(async (t) => {
    const { site } = await t.json<{ site: { latitude: number; longitude: number } }>(
      "GET",
      "/profiles/active",
    );
    const remote = new FakeAlpacaTelescope({
      latitudeDeg: site.latitude,
      longitudeDeg: site.longitude,
      elevationM: 0,
    });
    remote.start();
    try {
      const figures = await restEpochRun(t, {
        mount: {
          driver: "alpaca",
          options: { host: "127.0.0.1", port: remote.port, deviceNumber: 0, pollMs: 50 },
        },
        pointing: () => {
          remote.model.update();
          return Promise.resolve({ ...remote.model.position });
        },
      });
      assertEpochFigures("alpaca", figures);
    } finally {
      const active = await t.json<Record<string, unknown> & { id: string; devices: object }>(
        "GET",
        "/profiles/active",
      );
      await t.json("PUT", `/profiles/${active.id}`, {
        ...active,
        devices: { ...active.devices, mount: { driver: "sim", options: {} } },
      });
      await remote.stop();
    }
  });
});
