/**
 * Profiles through the real server: a profile is checked against its drivers' option schemas
 * when it is saved — a bad value, an unknown key or an unknown driver is a 400 naming the path
 * and nothing is stored, on create and on replace — and a good one is stored with every option's
 * value. The drivers and their options are documented twice: as a form-ready JSON Schema per
 * driver at GET /devices/drivers, and in the OpenAPI document as a union on `driver` per role.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { type TestServer, withServer } from "./_server.ts";

interface Profile {
  id: string;
  name: string;
  active: boolean;
  devices: Record<string, { driver: string; options: Record<string, unknown> } | null>;
}

const SITE = { latitude: 48.2, longitude: 16.4, elevation: 200 };
const OPTICS = { focal_length_mm: 400, aperture_mm: 80 };

async function refused(t: TestServer, method: string, path: string, body: unknown) {
  const res = await t.api(method, path, body);
  const text = await res.text();
  assertEquals(res.status, 400, text);
  return JSON.parse(text).error as {
    code: string;
    message: string;
    details: { issues: { field: string; reason: string }[] };
  };
}

Deno.test("profiles: bad driver options are a 400 naming the path, and nothing is stored", async () => {
  await withServer(async (t) => {
    const before = await t.json<{ profiles: Profile[] }>("GET", "/profiles");
    const profile = (mount: unknown) => ({
      name: "Backyard",
      site: SITE,
      optics: OPTICS,
      devices: { mount },
    });

    const tooFast = await refused(
      t,
      "POST",
      "/profiles",
      profile({ driver: "sim", options: { slewRateDegPerS: 5000 } }),
    );
    assertEquals(tooFast.code, "validation_failed");
    assertEquals(tooFast.details.issues, [
      { field: "body.devices.mount.options.slewRateDegPerS", reason: "must be ≤ 1000, got 5000" },
    ]);
    assertEquals(
      tooFast.message,
      "body.devices.mount.options.slewRateDegPerS: must be ≤ 1000, got 5000",
    );

    const typo = await refused(
      t,
      "POST",
      "/profiles",
      profile({ driver: "sim", options: { slewRate: 3 } }),
    );
    assertEquals(typo.details.issues.map((i) => i.field), ["body.devices.mount.options.slewRate"]);

    const nested = await refused(t, "POST", "/profiles", {
      ...profile(null),
      devices: { weather: { driver: "sim", options: { limits: { maxWindMS: -3 } } } },
    });
    assertEquals(nested.details.issues.map((i) => i.field), [
      "body.devices.weather.options.limits.maxWindMS",
    ]);

    const noDriver = await refused(
      t,
      "POST",
      "/profiles",
      profile({ driver: "meade", options: {} }),
    );
    assertEquals(noDriver.details.issues.map((i) => i.field), ["body.devices.mount.driver"]);

    // Another driver's options under this driver: INDI needs its device, knows no slew rate.
    const crossed = await refused(
      t,
      "POST",
      "/profiles",
      profile({ driver: "indi", options: { slewRateDegPerS: 3 } }),
    );
    assertEquals(crossed.details.issues.map((i) => i.field).sort(), [
      "body.devices.mount.options.device",
      "body.devices.mount.options.slewRateDegPerS",
    ]);

    const after = await t.json<{ profiles: Profile[] }>("GET", "/profiles");
    assertEquals(after.profiles.map((p) => p.id), before.profiles.map((p) => p.id));
  });
});

Deno.test("profiles: a good profile is stored with every option; a bad replace keeps the old", async () => {
  await withServer(async (t) => {
    const created = await t.json<Profile>("POST", "/profiles", {
      name: "Backyard",
      site: SITE,
      optics: OPTICS,
      devices: {
        mount: { driver: "sim", options: { slewRateDegPerS: 8 } },
        guider: { driver: "phd2", options: { host: "guide-pc.local" } },
        focuser: { driver: "alpaca", options: { host: "10.0.0.5", deviceNumber: 1 } },
        camera: { driver: "indi", options: { device: "CCD Simulator" } },
      },
    });
    assertEquals(created.devices.mount?.options.slewRateDegPerS, 8);
    // The schema's defaults are filled in: the stored profile shows what the driver runs with.
    assertEquals(created.devices.mount?.options.alignment, "germanPolar");
    assertEquals(created.devices.guider?.options, {
      host: "guide-pc.local",
      instance: 1,
      requestTimeoutSeconds: 10,
      rmsWindowSteps: 50,
      connectEquipment: true,
    });
    assertEquals(created.devices.focuser?.options.pollMs, 200);
    // A default that depends on the box, not the driver, stays unset: an INDI role without a
    // port follows the box's own indiserver wherever config [indi] puts it.
    assertEquals(created.devices.camera?.options, {
      host: "127.0.0.1",
      device: "CCD Simulator",
      driver: null,
    });

    // Read back and sent again unchanged, it is still valid (the schemas do not transform).
    const stored = await t.json<Profile>("GET", `/profiles/${created.id}`);
    const again = await t.json<Profile>("PUT", `/profiles/${created.id}`, stored);
    assertEquals(again.devices, stored.devices);

    const bad = structuredClone(stored);
    bad.devices.mount!.options.horizonLimitDeg = 120;
    const error = await refused(t, "PUT", `/profiles/${created.id}`, bad);
    assertMatch(error.message, /body\.devices\.mount\.options\.horizonLimitDeg: must be ≤ 90/);
    assertEquals((await t.json<Profile>("GET", `/profiles/${created.id}`)).devices, stored.devices);
  });
});

Deno.test("devices/drivers: every role's drivers with a form-ready JSON Schema", async () => {
  await withServer(async (t) => {
    const { drivers } = await t.json<{
      drivers: {
        role: string;
        driver: string;
        title: string;
        description: string;
        options_schema: {
          type: string;
          properties: Record<string, { type?: string; default?: unknown; maximum?: number }>;
          required?: string[];
          additionalProperties: boolean;
        };
      }[];
    }>("GET", "/devices/drivers");
    const roles = new Set(drivers.map((d) => d.role));
    assertEquals(roles.size, 9);
    const simMount = drivers.find((d) => d.role === "mount" && d.driver === "sim")!;
    assertEquals(simMount.options_schema.type, "object");
    assertEquals(simMount.options_schema.additionalProperties, false);
    assertEquals(simMount.options_schema.properties.slewRateDegPerS?.default, 3);
    assertEquals(simMount.options_schema.properties.slewRateDegPerS?.maximum, 1000);
    const indi = drivers.find((d) => d.role === "camera" && d.driver === "indi")!;
    assertEquals(indi.options_schema.required, ["device"]);
    assert(indi.title.length > 0 && indi.description.length > 0);

    const guiders = await t.json<{ drivers: { driver: string }[] }>(
      "GET",
      "/devices/drivers?role=guider",
    );
    assertEquals(guiders.drivers.map((d) => d.driver), ["sim", "phd2"]);
    assertEquals(await t.status("GET", "/devices/drivers?role=telescope"), 400);
  });
});

Deno.test("openapi: each role of a profile body is a union on driver with its options schema", async () => {
  await withServer(async (t) => {
    const doc = await t.json<{
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>("GET", "/openapi.json");
    const schemas = doc.components.schemas;
    for (
      const name of [
        "SimMountOptions",
        "SimCameraOptions",
        "IndiOptions",
        "AlpacaOptions",
        "AlpacaWeatherOptions",
        "SerialMountOptions",
        "MoonliteOptions",
        "AlnitakOptions",
        "ZwoCameraOptions",
        "ZwoFocuserOptions",
        "ZwoFilterWheelOptions",
        "Phd2Options",
      ]
    ) {
      assert(schemas[name]?.properties, `components.schemas.${name} is missing`);
    }
    const post = doc.paths["/api/v1/profiles"]?.post as {
      requestBody: { content: { "application/json": { schema: unknown } } };
    };
    const body = JSON.stringify(post.requestBody.content["application/json"].schema);
    assertMatch(body, /"oneOf"/);
    assertMatch(body, /#\/components\/schemas\/SimMountOptions/);
    assertMatch(body, /#\/components\/schemas\/Phd2Options/);
    assert(doc.paths["/api/v1/devices/drivers"]?.get, "GET /devices/drivers is documented");
  });
});
