/**
 * Centre on target through the real server: the simulated mount points ~12′ off (IH 600″,
 * ID −400″, CH 60″) and the injected solve answers its true pointing (±2″). The sync on the
 * first solve corrects only the mount's report (its axes and optics stay put, as on a real
 * mount), so the second goto lands on the target and the run converges within 30″ in exactly two
 * attempts, with one `mount.centering` event per attempt, real frame files and a status that
 * says so. A solve that lies ends in `failed` after
 * max_attempts with an alert and the mount left alone; two failed solves end it with their reason;
 * stop ends a slew and an exposure at once; bad bodies get 400s naming the field; a second run,
 * a running exposure, a parked mount and a missing mount are refused.
 */
import { angularSeparationDeg } from "../../lib/astro/coords.ts";
import type { CenteringStatusDto } from "../../core/schemas/centering.ts";
import { assert, assertEquals } from "../_assert.ts";
import {
  eastTarget,
  installCentering,
  simMount,
  truthSolve,
  useErrorSimulators,
  waitFor,
} from "./_centering.ts";
import { withServer } from "./_server.ts";

const FAST = { exposure_s: 0.05, settle_s: 0 };

Deno.test("centring converges within tolerance on a mount with pointing errors", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    installCentering(t, truthSolve(t));
    const ws = await t.events("mount.centering,mount.centered,alert");
    const target = await eastTarget(t);
    const res = await t.api("POST", "/mount/center", { ...target, ...FAST, tolerance_arcsec: 30 });
    assertEquals(res.status, 202);
    const started = await res.json() as CenteringStatusDto;
    assertEquals([started.state, started.tolerance_arcsec, started.max_attempts], [
      "slewing",
      30,
      5,
    ]);
    const end = await ws.waitFor("mount.centered", () => true, 30_000);
    assertEquals(end.data.success, true, JSON.stringify(end.data));
    const attempts = ws.ofType("mount.centering").map((e) => e.data);
    const errors = attempts.map((a) => (a.error_arcsec as number).toFixed(1));
    console.log(
      `errors per attempt: ${errors.join("″ → ")}″ (${
        attempts.map((a) => a.correction ?? "done").join(", ")
      })`,
    );
    // A sync that works halves the error and more, so the loop never falls back to aiming off.
    assertEquals(attempts.map((a) => a.correction), ["sync", null], errors.join("″ → "));
    assertEquals(end.data.attempts, attempts.length);
    assert((attempts[0]!.error_arcsec as number) > 300, "the mount really was off");
    const status = await t.json<CenteringStatusDto>("GET", "/mount/center");
    assertEquals(status.state, "succeeded");
    assertEquals(status.attempts.map((a) => a.attempt), attempts.map((_, i) => i + 1));
    assert(status.final_error_arcsec! <= 30);
    for (const a of status.attempts) await Deno.stat(`${t.dataDir}/${a.frame_path}`);
    // The optics, not just the mount's belief, are on the target.
    const truth = await simMount(t).trueSkyPosition();
    const trueErrorArcsec =
      angularSeparationDeg(truth, { raHours: target.ra, decDeg: target.dec }) *
      3600;
    console.log(`true error after centring: ${trueErrorArcsec.toFixed(1)}″`);
    assert(trueErrorArcsec < 30, `${trueErrorArcsec}″`);
    assertEquals(ws.ofType("alert").filter((a) => a.data.source === "centering").length, 0);
  });
});

Deno.test("a solve that never agrees fails after max_attempts, alerts, and leaves the mount", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    const target = await eastTarget(t);
    // Always 100″ north of the target, whatever the mount does.
    installCentering(t, () =>
      Promise.resolve({
        raHours: target.ra,
        decDeg: target.dec + 100 / 3600,
        positionAngleDeg: 0,
        pixelScaleArcsec: 2,
      }));
    const ws = await t.events("mount.centering,mount.centered,alert");
    await t.json("POST", "/mount/center", { ...target, ...FAST, max_attempts: 3 });
    const end = await ws.waitFor("mount.centered", () => true, 30_000);
    assertEquals([end.data.success, end.data.state, end.data.attempts], [false, "failed", 3]);
    assert(/after 3 attempts/.test(end.data.reason as string), end.data.reason as string);
    const alert = await ws.waitFor("alert", (d) => d.source === "centering");
    assert(/Centring on .* failed.*left where it is/.test(alert.data.message as string));
    assertEquals(ws.ofType("mount.centering").length, 3);
    const mount = t.server.services.hub.device("mount");
    const left = mount.status();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const later = mount.status();
    assertEquals(later.slewing, false);
    // Tracking holds the same RA/Dec: no goto followed the failure.
    assert(angularSeparationDeg(left, later) * 3600 < 1, "the mount did not move");
    const status = await t.json<CenteringStatusDto>("GET", "/mount/center");
    assertEquals(status.state, "failed");
    assertEquals(status.final_error_arcsec?.toFixed(1), "100.0");
  });
});

Deno.test("two failed solves in a row end the run with the solver's reason", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    installCentering(t, () => Promise.reject(new Error("solve-field found no solution")));
    const ws = await t.events("mount.centering,mount.centered");
    await t.json("POST", "/mount/center", { ...(await eastTarget(t)), ...FAST });
    const end = await ws.waitFor("mount.centered", () => true, 30_000);
    assertEquals([end.data.success, end.data.attempts], [false, 2]);
    assert(/2 plate solves in a row failed.*no solution/.test(end.data.reason as string));
    const attempts = ws.ofType("mount.centering").map((e) => e.data);
    assertEquals(attempts.map((a) => a.failure), [
      "solve-field found no solution",
      "solve-field found no solution",
    ]);
    assertEquals(attempts.map((a) => a.error_arcsec), [null, null]);
  });
});

Deno.test("stop ends a slew and an exposure at once", async () => {
  await withServer(async (t) => {
    // A slow mount, so the first goto is still under way when the stop comes.
    await useErrorSimulators(t, { slewRateDegPerS: 10 });
    installCentering(t, truthSolve(t));
    const ws = await t.events("mount.centered");
    const target = await eastTarget(t);
    await t.json("POST", "/mount/center", { ...target, ...FAST });
    const mount = t.server.services.hub.device("mount");
    await waitFor("the slew", () => mount.status().slewing);
    assertEquals(await t.json("POST", "/mount/center/stop"), { ok: true, stopped: true });
    assertEquals(mount.status().slewing, false, "the slew was stopped");
    const end = await ws.waitFor("mount.centered");
    assertEquals([end.data.success, end.data.state], [false, "aborted"]);
    assertEquals((await t.json<CenteringStatusDto>("GET", "/mount/center")).state, "aborted");
    assertEquals(await t.json("POST", "/mount/center/stop"), { ok: true, stopped: false });

    // Now a long exposure: the stop must not wait for it.
    await t.json("POST", "/mount/center", { ...target, exposure_s: 60, settle_s: 0 });
    const camera = t.server.services.hub.device("camera");
    await waitFor("the exposure", () => camera.status().exposure.state === "exposing");
    assertEquals(t.server.services.centering.status().state, "exposing");
    const before = Date.now();
    await t.json("POST", "/mount/center/stop");
    // Not waiting for the 60 s exposure: a third of it is far beyond any busy machine's delay.
    assert(Date.now() - before < 20_000, `stop took ${Date.now() - before} ms`);
    await waitFor("the camera to be idle", () => camera.status().exposure.state === "idle", 5000);
    assertEquals(t.server.services.centering.status().attempts.length, 0, "no frame was kept");
  });
});

Deno.test("centring endpoints: 400 naming fields, 409 conflicts, 503 without a mount", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    installCentering(t, truthSolve(t));
    const target = await eastTarget(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ ra: 25, dec: 0 }, "body.ra"],
      [{ ra: 1 }, "body.dec"],
      [{}, "body.ra"],
      [{ ...target, tolerance_arcsec: 0 }, "body.tolerance_arcsec"],
      [{ ...target, tolerance_arcsec: 3601 }, "body.tolerance_arcsec"],
      [{ ...target, max_attempts: 21 }, "body.max_attempts"],
      [{ ...target, exposure_s: 0 }, "body.exposure_s"],
      [{ ...target, binning: 5 }, "body.binning"],
      [{ target: "M 42" }, "body.target"],
      [{ ra: target.ra, dec: -80 }, "body.dec"],
    ];
    for (const [body, field] of cases) {
      const res = await t.api("POST", "/mount/center", body);
      const text = await res.text();
      assertEquals(res.status, 400, `${JSON.stringify(body)}: ${text}`);
      const issues = JSON.parse(text).error.details.issues as { field: string }[];
      assert(issues.some((i) => i.field === field), `${JSON.stringify(body)} → ${text}`);
    }
    assertEquals((await t.json<CenteringStatusDto>("GET", "/mount/center")).state, "idle");

    // An exposure holds the camera.
    assertEquals(await t.status("POST", "/camera/expose", { duration: 30 }), 202);
    const busy = await t.api("POST", "/mount/center", target);
    assertEquals(busy.status, 409);
    assert(/exposure/.test((await busy.json()).error.message));
    await t.json("POST", "/camera/abort");
    await waitFor("the exposure to stop", () => !t.server.services.exposures.busy);

    // One run at a time.
    assertEquals(await t.status("POST", "/mount/center", { ...target, exposure_s: 60 }), 202);
    const again = await t.api("POST", "/mount/center", target);
    assertEquals(again.status, 409);
    assert(/already running/.test((await again.json()).error.message));
    // Nor may polar alignment or autofocus start under it: they would move the rig mid-run.
    for (const path of ["/polar-alignment/start", "/focuser/autofocus"]) {
      const other = await t.api("POST", path, {});
      const text = await other.text();
      assertEquals(other.status, 409, `${path}: ${text}`);
      assert(/centring is running/.test(text), `${path}: ${text}`);
    }
    await t.json("POST", "/mount/center/stop");

    await t.json("POST", "/devices/mount/disconnect");
    const gone = await t.api("POST", "/mount/center", target);
    assertEquals(gone.status, 503);
    assertEquals((await gone.json()).error.code, "device_not_connected");

    const doc = await t.json<{ paths: Record<string, unknown> }>("GET", "/openapi.json");
    assert(doc.paths["/api/v1/mount/center"] && doc.paths["/api/v1/mount/center/stop"]);
  });
});
