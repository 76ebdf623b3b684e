/**
 * ConformU's protocol rules (alpaca.md, "What ConformU checks"), exercised against our Alpaca
 * server over a real loopback socket with simulators behind it: path and device-number errors,
 * parameter casing, garbage values, transaction ids, exact key casing, Platform 7 members,
 * ImageBytes — and the real actions ConformU performs (slew, sync, pulse guide, park, move axis,
 * a 2 s exposure downloaded both ways and compared pixel for pixel with the simulator's frame).
 */
import assert from "node:assert/strict";
import { ASCOM } from "../../lib/alpaca/errors.ts";
import { decodeImageBytes, IMAGE_BYTES_MIME } from "../../lib/alpaca/image_bytes.ts";
import { wrapHours } from "../../lib/astro/coords.ts";
import { openDatabase } from "../../core/store/db.ts";
import { KvRepository } from "../../core/store/kv.ts";
import { discoverAlpaca } from "../../devices/alpaca/discovery.ts";
import { alpacaHttp } from "./_alpaca_http.ts";
import { type AlpacaRig, startAlpacaRig, TEST_SITE } from "./_test_rig.ts";

const T = "/api/v1/telescope/0";

async function withRig(fn: (rig: AlpacaRig, http: ReturnType<typeof alpacaHttp>) => Promise<void>) {
  const rig = await startAlpacaRig();
  try {
    await fn(rig, alpacaHttp(rig.baseUrl));
  } finally {
    await rig.close();
  }
}

function ok(answer: { status: number; json: Record<string, unknown> | null; text: string }) {
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.json?.ErrorNumber, 0, answer.text);
  return answer.json!;
}

async function waitUntil(read: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("alpaca: management API, setup pages and persistent UniqueIDs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "alpaca-kv-" });
  const ids: string[][] = [];
  try {
    for (let run = 0; run < 2; run++) {
      const db = await openDatabase(dir);
      const rig = await startAlpacaRig({ kv: new KvRepository(db) });
      try {
        const http = alpacaHttp(rig.baseUrl);
        assert.deepEqual(ok(await http.get("/management/apiversions")).Value, [1]);
        const description = ok(await http.get("/management/v1/description")).Value as object;
        assert.deepEqual(Object.keys(description).sort(), [
          "Location",
          "Manufacturer",
          "ManufacturerVersion",
          "ServerName",
        ]);
        const devices = ok(await http.get("/management/v1/configureddevices")).Value as {
          DeviceType: string;
          DeviceNumber: number;
          UniqueID: string;
          DeviceName: string;
        }[];
        assert.deepEqual(devices.map((d) => d.DeviceType), [
          "Telescope",
          "Camera",
          "Focuser",
          "FilterWheel",
          "Rotator",
          "CoverCalibrator",
          "Dome",
          "ObservingConditions",
          "SafetyMonitor",
        ]);
        for (const d of devices) {
          assert.equal(d.DeviceNumber, 0);
          assert.match(d.UniqueID, /^[0-9a-f-]{36}$/);
          assert.ok(d.DeviceName.length > 0);
        }
        assert.equal(new Set(devices.map((d) => d.UniqueID)).size, devices.length, "unique");
        ids.push(devices.map((d) => d.UniqueID));
        const setup = await fetch(`${rig.baseUrl}/setup/v1/camera/0/setup`);
        assert.equal(setup.status, 200);
        assert.match(await setup.text(), /<html>/);
        assert.equal((await http.get("/setup")).status, 200);
      } finally {
        await rig.close();
        await db.close();
      }
    }
    assert.deepEqual(ids[1], ids[0], "UniqueIDs survive a restart");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // A server without a database still gives every device an id.
  await withRig(async (_rig, http) => {
    const devices = ok(await http.get("/management/v1/configureddevices")).Value as unknown[];
    assert.equal(devices.length, 9);
  });
});

Deno.test("alpaca: bad path pieces are 4xx in plain text", async () => {
  await withRig(async (_rig, http) => {
    const bad = [
      "/api/v1/Telescope/0/connected",
      "/api/v1/TELESCOPE/0/connected",
      "/api/v1/toaster/0/connected",
      "/api/v1/telescope/-1/connected",
      "/api/v1/telescope/99999/connected",
      "/api/v1/telescope/A/connected",
      "/api/v1/telescope/0/conected",
      "/api/v1/telescope/0/Connected",
      "/api/v1/telescope/0",
      "/api/v1/guider/0/connected",
    ];
    for (const path of bad) {
      const answer = await http.get(path);
      assert.ok(answer.status >= 400 && answer.status < 500, `${path} → ${answer.status}`);
      assert.match(answer.contentType, /text\/plain/, path);
      assert.ok(answer.text.length > 0, `${path}: the 400 says why`);
    }
    // A member that exists only for PUT, read with GET, and vice versa.
    assert.equal((await http.get(`${T}/park`)).status, 400);
    assert.equal((await http.put(`${T}/rightascension`, { RightAscension: "1" })).status, 400);
  });
});

Deno.test("alpaca: transaction ids, exact key casing, parameter casing rules", async () => {
  await withRig(async (_rig, http) => {
    const first = ok(
      await http.get(`${T}/connected`, { ClientID: "7", ClientTransactionID: "41" }),
    );
    assert.deepEqual(Object.keys(first).sort(), [
      "ClientTransactionID",
      "ErrorMessage",
      "ErrorNumber",
      "ServerTransactionID",
      "Value",
    ]);
    assert.equal(first.ClientTransactionID, 41);
    assert.equal(first.ErrorMessage, "");
    assert.ok((first.ServerTransactionID as number) >= 1);
    // GET: query keys are case-insensitive, extra parameters are ignored.
    const lower = ok(
      await http.get(`${T}/connected`, { clientid: "7", clienttransactionid: "42" }),
    );
    assert.equal(lower.ClientTransactionID, 42);
    const extra = ok(await http.get(`${T}/connected`, { ClientTransactionID: "43", Foo: "bar" }));
    assert.ok((extra.ServerTransactionID as number) > (lower.ServerTransactionID as number));
    // No id at all echoes 0.
    assert.equal(ok(await http.get(`${T}/connected`)).ClientTransactionID, 0);
    // PUT: form keys are exact. The main parameter in the wrong case is a 400 …
    for (const key of ["connected", "CONNECTED", "cONNECTED"]) {
      const answer = await http.put(`${T}/connected`, { [key]: "true" });
      assert.equal(answer.status, 400, `PUT Connected as ${key}`);
    }
    // … a lower-cased clientid is accepted and a lower-cased ClientTransactionID is ignored.
    const put = ok(
      await http.put(`${T}/connected`, {
        Connected: "True",
        clientid: "3",
        clienttransactionid: "99",
      }),
    );
    assert.equal(put.ClientTransactionID, 0);
    const echoed = ok(
      await http.put(`${T}/connected`, { Connected: "true", ClientTransactionID: "12" }),
    );
    assert.equal(echoed.ClientTransactionID, 12);
    assert.equal(ok(await http.get(`${T}/connected`)).Value, true);
    // Bad id values are 400 whatever the member.
    for (const bad of ["abc", "-1", "1.5", "4294967296"]) {
      assert.equal((await http.get(`${T}/connected`, { ClientTransactionID: bad })).status, 400);
      assert.equal((await http.get(`${T}/connected`, { ClientID: bad })).status, 400);
    }
  });
});

Deno.test("alpaca: garbage and out-of-range values; not connected is 0x407", async () => {
  await withRig(async (_rig, http) => {
    const F = "/api/v1/focuser/0";
    const before = await http.get(`${F}/position`);
    assert.equal(before.json?.ErrorNumber, ASCOM.notConnected, "a read before Connected");
    assert.equal((await http.put(`${F}/move`, { Position: "10" })).json?.ErrorNumber, 0x407);
    for (const value of ["garbage", "", "1", "yes"]) {
      assert.equal((await http.put(`${F}/connected`, { Connected: value })).status, 400, value);
    }
    ok(await http.put(`${F}/connected`, { Connected: "TRUE" }));
    for (const value of ["abc", "", "1,5", "12abc"]) {
      assert.equal((await http.put(`${F}/move`, { Position: value })).status, 400, value);
    }
    assert.equal((await http.put(`${F}/move`, {})).status, 400, "missing Position");
    const tooFar = await http.put(`${F}/move`, { Position: "-5" });
    assert.equal(tooFar.json?.ErrorNumber, ASCOM.invalidValue);
    assert.match(tooFar.json?.ErrorMessage as string, /Position/);
    const ra = await http.put(`${T}/slewtocoordinatesasync`, {
      RightAscension: "5",
      Declination: "10",
    });
    assert.equal(ra.json?.ErrorNumber, ASCOM.notConnected, "the telescope is not connected");
    ok(await http.put(`${T}/connected`, { Connected: "true" }));
    const bad = await http.put(`${T}/slewtocoordinatesasync`, {
      RightAscension: "25",
      Declination: "10",
    });
    assert.equal(bad.json?.ErrorNumber, ASCOM.invalidValue);
    assert.equal((await http.get(`${T}/canmoveaxis`, { Axis: "7" })).json?.ErrorNumber, 0x401);
    assert.equal((await http.get(`${T}/canmoveaxis`, { Axis: "x" })).status, 400);
    assert.equal((await http.get(`${T}/targetrightascension`)).json?.ErrorNumber, 0x402);
    // Disconnecting the bridge refuses commands again but leaves the box's device connected.
    ok(await http.put(`${F}/connected`, { Connected: "false" }));
    assert.equal((await http.get(`${F}/position`)).json?.ErrorNumber, ASCOM.notConnected);
  });
});

Deno.test("alpaca: Platform 7 connect, connecting, devicestate, disconnect", async () => {
  await withRig(async (_rig, http) => {
    const C = "/api/v1/camera/0";
    assert.equal(ok(await http.get(`${C}/interfaceversion`)).Value, 4);
    ok(await http.put(`${C}/connect`));
    await waitUntil(async () => ok(await http.get(`${C}/connecting`)).Value === false, 2000, "c");
    assert.equal(ok(await http.get(`${C}/connected`)).Value, true);
    const state = ok(await http.get(`${C}/devicestate`)).Value as {
      Name: string;
      Value: unknown;
    }[];
    const names = state.map((s) => s.Name);
    for (const name of ["CameraState", "ImageReady", "PercentCompleted", "TimeStamp"]) {
      assert.ok(names.includes(name), `devicestate has ${name}`);
    }
    assert.equal(state.find((s) => s.Name === "CameraState")?.Value, 0);
    ok(await http.put(`${C}/disconnect`));
    assert.equal(ok(await http.get(`${C}/connected`)).Value, false);
    assert.equal((await http.get(`${C}/devicestate`)).json?.ErrorNumber, ASCOM.notConnected);
    for (const type of ["telescope", "focuser", "filterwheel", "rotator", "dome"]) {
      const path = `/api/v1/${type}/0`;
      ok(await http.put(`${path}/connected`, { Connected: "true" }));
      const entries = ok(await http.get(`${path}/devicestate`)).Value as { Name: string }[];
      assert.ok(entries.some((e) => e.Name === "TimeStamp"), type);
    }
    assert.deepEqual(ok(await http.get(`${C}/supportedactions`)).Value, []);
    assert.equal(
      (await http.put(`${C}/action`, { Action: "warp", Parameters: "" })).json?.ErrorNumber,
      ASCOM.notConnected,
    );
  });
});

Deno.test("alpaca: telescope slews, syncs, pulse-guides, parks; MoveAxis is 0x400", async () => {
  await withRig(async (_rig, http) => {
    ok(await http.put(`${T}/connected`, { Connected: "true" }));
    if (ok(await http.get(`${T}/atpark`)).Value) ok(await http.put(`${T}/unpark`));
    assert.equal(ok(await http.get(`${T}/equatorialsystem`)).Value, 2);
    assert.equal(ok(await http.get(`${T}/sitelatitude`)).Value, TEST_SITE.latitudeDeg);
    const lst = ok(await http.get(`${T}/siderealtime`)).Value as number;
    const target = { RightAscension: String(wrapHours(lst - 1)), Declination: "38" };
    ok(await http.put(`${T}/slewtocoordinatesasync`, target));
    assert.equal(ok(await http.get(`${T}/slewing`)).Value, true);
    await waitUntil(async () => ok(await http.get(`${T}/slewing`)).Value === false, 5000, "slew");
    const ra = ok(await http.get(`${T}/rightascension`)).Value as number;
    const dec = ok(await http.get(`${T}/declination`)).Value as number;
    assert.ok(Math.abs(ra - Number(target.RightAscension)) * 15 < 1 / 60, `RA ${ra}`);
    assert.ok(Math.abs(dec - 38) < 1 / 60, `Dec ${dec}`);
    assert.equal(ok(await http.get(`${T}/tracking`)).Value, true);
    assert.equal(ok(await http.get(`${T}/targetdeclination`)).Value, 38);
    // Sync 0.2° north of where it points.
    ok(
      await http.put(`${T}/synctocoordinates`, { RightAscension: String(ra), Declination: "38.2" }),
    );
    assert.ok(Math.abs((ok(await http.get(`${T}/declination`)).Value as number) - 38.2) < 1 / 60);
    // Pulse guide north for 300 ms.
    ok(await http.put(`${T}/pulseguide`, { Direction: "0", Duration: "300" }));
    assert.equal(ok(await http.get(`${T}/ispulseguiding`)).Value, true);
    await waitUntil(
      async () => ok(await http.get(`${T}/ispulseguiding`)).Value === false,
      2000,
      "p",
    );
    assert.equal(
      (await http.put(`${T}/pulseguide`, { Direction: "9", Duration: "1" }))
        .json?.ErrorNumber,
      ASCOM.invalidValue,
    );
    // MoveAxis: CanMoveAxis is false for every axis, so MoveAxis is not implemented.
    assert.equal(ok(await http.get(`${T}/canmoveaxis`, { Axis: "0" })).Value, false);
    assert.equal(
      (await http.put(`${T}/moveaxis`, { Axis: "0", Rate: "1" })).json?.ErrorNumber,
      0x400,
    );
    assert.equal((await http.put(`${T}/moveaxis`, { axis: "0", Rate: "1" })).status, 400);
    // Tracking rate and tracking.
    ok(await http.put(`${T}/trackingrate`, { TrackingRate: "1" }));
    assert.equal(ok(await http.get(`${T}/trackingrate`)).Value, 1);
    ok(await http.put(`${T}/tracking`, { Tracking: "false" }));
    assert.equal(ok(await http.get(`${T}/tracking`)).Value, false);
    // Park, then everything that moves is 0x408 until unpark.
    ok(await http.put(`${T}/park`));
    await waitUntil(async () => ok(await http.get(`${T}/atpark`)).Value === true, 5000, "park");
    for (
      const [member, form] of [
        ["slewtocoordinatesasync", target],
        ["synctocoordinates", target],
        ["pulseguide", { Direction: "1", Duration: "100" }],
        ["tracking", { Tracking: "true" }],
      ] as const
    ) {
      const answer = await http.put(`${T}/${member}`, form);
      assert.equal(answer.json?.ErrorNumber, ASCOM.invalidWhileParked, `${member} while parked`);
    }
    ok(await http.put(`${T}/unpark`));
    assert.equal(ok(await http.get(`${T}/atpark`)).Value, false);
  });
});

Deno.test("alpaca: a 2 s exposure downloads as ImageBytes and as JSON ImageArray", async () => {
  await withRig(async (rig, http) => {
    const C = "/api/v1/camera/0";
    ok(await http.put(`${C}/connected`, { Connected: "true" }));
    const width = ok(await http.get(`${C}/cameraxsize`)).Value as number;
    const height = ok(await http.get(`${C}/cameraysize`)).Value as number;
    assert.equal((await http.get(`${C}/imagearray`)).json?.ErrorNumber, ASCOM.invalidOperation);
    assert.equal(
      (await http.put(`${C}/startexposure`, { Duration: "-1", Light: "true" }))
        .json?.ErrorNumber,
      ASCOM.invalidValue,
    );
    assert.equal(
      (await http.put(`${C}/startexposure`, { duration: "2", Light: "true" })).status,
      400,
    );
    ok(await http.put(`${C}/gain`, { Gain: "100" }));
    const startedMs = Date.now();
    ok(await http.put(`${C}/startexposure`, { Duration: "2", Light: "true" }));
    assert.equal(ok(await http.get(`${C}/camerastate`)).Value, 2, "exposing");
    const busy = await http.put(`${C}/startexposure`, { Duration: "2", Light: "true" });
    assert.equal(busy.json?.ErrorNumber, ASCOM.invalidOperation, "a second StartExposure");
    await waitUntil(
      async () => ok(await http.get(`${C}/imageready`)).Value === true,
      5000,
      "image",
    );
    assert.ok(Date.now() - startedMs >= 2000, "the exposure took its 2 s");
    assert.equal(ok(await http.get(`${C}/percentcompleted`)).Value, 100);
    assert.equal(ok(await http.get(`${C}/lastexposureduration`)).Value, 2);
    const frame = rig.frames.at(-1)!;
    assert.equal(frame.request.gain, 100);

    const bytes = await http.bytes(`${C}/imagearray?ClientTransactionID=77`, IMAGE_BYTES_MIME);
    assert.equal(bytes.status, 200);
    const decoded = decodeImageBytes(bytes.body);
    assert.equal(decoded.header.metadataVersion, 1);
    assert.equal(decoded.header.errorNumber, 0);
    assert.equal(decoded.header.clientTransactionId, 77);
    assert.ok(decoded.header.serverTransactionId >= 1);
    assert.equal(decoded.header.dataStart, 44);
    assert.equal(decoded.header.imageElementType, 2);
    assert.equal(decoded.header.transmissionElementType, 8);
    assert.deepEqual([decoded.header.rank, decoded.widthPx, decoded.heightPx], [2, width, height]);
    assert.equal(bytes.body.length, 44 + width * height * 2);
    assert.deepEqual(decoded.pixels, frame.pixels, "every pixel as the camera made it");
    // x outer: the second element on the wire is pixel (0, 1).
    const wire = new DataView(bytes.body.buffer, bytes.body.byteOffset);
    assert.equal(wire.getUint16(44 + 2, true), frame.pixels[width]);

    const json = ok(await http.get(`${C}/imagearray`));
    assert.equal(json.Type, 2);
    assert.equal(json.Rank, 2);
    const columns = json.Value as number[][];
    assert.equal(columns.length, width);
    assert.equal(columns[0]!.length, height);
    for (
      const [x, y] of [[0, 0], [1, 0], [0, 1], [width - 1, height - 1], [137, 91]] as const
    ) {
      assert.equal(columns[x]![y], frame.pixels[y * width + x], `pixel (${x}, ${y})`);
    }
    // An error in ImageBytes form: the header, then the message.
    ok(await http.put(`${C}/connected`, { Connected: "false" }));
    const refused = await http.bytes(`${C}/imagearray`, IMAGE_BYTES_MIME);
    const view = new DataView(refused.body.buffer, refused.body.byteOffset);
    assert.equal(view.getInt32(4, true), ASCOM.notConnected);
    assert.match(new TextDecoder().decode(refused.body.subarray(44)), /not connected/);
  });
});

Deno.test("alpaca: UDP discovery answers alpacadiscovery1 with the HTTP port", async () => {
  const rig = await startAlpacaRig({ kinds: ["focuser"], discoveryPort: 0 });
  try {
    const found = await discoverAlpaca({
      address: "127.0.0.1",
      port: rig.server.discoveryPort!,
      timeoutMs: 300,
    });
    assert.deepEqual(found, [{ host: "127.0.0.1", port: rig.server.port }]);
  } finally {
    await rig.close();
  }
});

Deno.test("alpaca: the box starts its bridge and stops it at shutdown", async () => {
  const { withServer } = await import("../../tests/integration/_server.ts");
  await withServer(async (t) => {
    const port = t.server.alpacaPort;
    assert.ok(port !== null && port > 0);
    const answer = await alpacaHttp(`http://127.0.0.1:${port}`).get("/management/apiversions");
    assert.deepEqual(answer.json?.Value, [1]);
    const devices = await alpacaHttp(`http://127.0.0.1:${port}`)
      .get("/management/v1/configureddevices");
    assert.ok((devices.json?.Value as unknown[]).length >= 1, "the Simulators profile's devices");
  });
});
