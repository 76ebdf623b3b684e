/**
 * Profiles stored before driver options had one casing survive migration 8: the Alpaca roles'
 * snake_case keys become camelCase with their values, every other role and profile is left byte
 * for byte, and the result passes the drivers' own schemas with unknown keys refused.
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { DEVICE_KINDS } from "../../../devices/device.ts";
import { checkOptions } from "../../../devices/driver_catalogue.ts";
import { defaultRegistry, driverCatalogue } from "../../../devices/registry.ts";
import { openDatabase } from "../db.ts";
import { MIGRATIONS } from "../migrate.ts";
import { ProfileRepository } from "../profiles.ts";
import { renamed } from "./008_camel_case_driver_options.ts";

const SITE = { latitude: 48.2, longitude: 16.4, elevation: 200 };
const OPTICS = { focal_length_mm: 400, aperture_mm: 80, pixel_size_um: null };

/** As firmware before migration 8 stored them. */
const ALPACA_RIG = {
  site: SITE,
  optics: OPTICS,
  devices: {
    mount: {
      driver: "alpaca",
      options: { host: "10.0.0.5", port: 11111, device_number: 0, poll_ms: 100, timeout_ms: 5000 },
    },
    camera: { driver: "sim", options: { widthPx: 640, heightPx: 480 } },
    weather: {
      driver: "alpaca",
      options: { host: "10.0.0.5", device_number: 0, safety_device_number: null },
    },
    guider: { driver: "phd2", options: { host: "guide-pc.local", requestTimeoutSeconds: 5 } },
  },
};
const SIM_RIG = {
  site: SITE,
  optics: OPTICS,
  devices: { mount: { driver: "sim", options: { slewRateDegPerS: 8, polarAltErrorArcmin: 7 } } },
};

Deno.test("migration 8: stored Alpaca options become camelCase; everything else is untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl_migrate8_" });
  try {
    const before = await openDatabase(dir, { migrations: MIGRATIONS.slice(0, 7) });
    const rows = [
      ["a", "Remote pier", ALPACA_RIG],
      ["b", "Simulators", SIM_RIG],
    ] as const;
    for (const [id, name, data] of rows) {
      await before.kysely.insertInto("profiles").values({
        id,
        name,
        active: id === "b" ? 1 : 0,
        data: JSON.stringify(data),
        created_at: "2026-01-01T00:00:00.000Z",
        updated_at: "2026-01-01T00:00:00.000Z",
      }).execute();
    }
    const simText = JSON.stringify(SIM_RIG);
    await before.close();

    const db = await openDatabase(dir);
    try {
      const text = (id: string) =>
        db.kysely.selectFrom("profiles").select("data").where("id", "=", id)
          .executeTakeFirstOrThrow().then((r) => r.data);
      assertEquals(await text("b"), simText, "a profile without Alpaca roles is not rewritten");
      const profile = await new ProfileRepository(db.kysely).get("a");
      assertEquals(profile.devices.mount?.options, {
        host: "10.0.0.5",
        port: 11111,
        deviceNumber: 0,
        pollMs: 100,
        timeoutMs: 5000,
      });
      assertEquals(profile.devices.weather?.options, {
        host: "10.0.0.5",
        deviceNumber: 0,
        safetyDeviceNumber: null,
      });
      assertEquals(profile.devices.camera, ALPACA_RIG.devices.camera);
      assertEquals(profile.devices.guider, ALPACA_RIG.devices.guider);
      assertEquals([profile.name, profile.active], ["Remote pier", false]);

      // The migrated profile is one the drivers accept as it is, unknown keys refused.
      const catalogue = driverCatalogue(defaultRegistry());
      for (const kind of DEVICE_KINDS) {
        const role = profile.devices[kind];
        if (!role) continue;
        const spec = catalogue.drivers(kind).find((s) => s.id === role.driver)!;
        const checked = checkOptions(spec, role.options, "refuse");
        assert(checked.ok, `${kind}: ${JSON.stringify(checked)}`);
      }
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("migration 8: a camelCase twin wins; unreadable rows are left alone", () => {
  const both = JSON.stringify({
    devices: { focuser: { driver: "alpaca", options: { deviceNumber: 2, device_number: 1 } } },
  });
  assertEquals(
    JSON.parse(renamed(both)!).devices.focuser.options,
    { deviceNumber: 2 },
  );
  assertEquals(renamed("not json"), null);
  assertEquals(renamed(JSON.stringify({ devices: null })), null);
  assertEquals(
    renamed(JSON.stringify({ devices: { mount: { driver: "sim", options: { poll_ms: 1 } } } })),
    null,
    "only the Alpaca drivers ever had these keys",
  );
});
