/**
 * The serial section over a temp folder of fake by-id links (the names are ones udev really
 * writes for these adapters), and the hint table: which drivers each chip or vendor suggests,
 * each with the assignment a profile takes.
 */
import { join } from "node:path";
import { assertEquals } from "../../tests/_assert.ts";
import { SERIAL_HINTS, serialSection, suggestDrivers } from "./discovery.ts";

const drivers = (s: ReturnType<typeof suggestDrivers>) => s.map((d) => `${d.role}/${d.driver}`);

Deno.test("suggestDrivers: chips and vendor names to likely drivers", () => {
  const at = "/dev/serial/by-id/x";
  const ftdi = suggestDrivers({ path: at, vendor: "FTDI", product: "FT232R USB UART" });
  assertEquals(drivers(ftdi), ["focuser/moonlite", "flatpanel/alnitak", "mount/lx200"]);
  assertEquals(ftdi[0]?.assignment, { driver: "moonlite", options: { path: at } });
  assertEquals(
    drivers(
      suggestDrivers({ path: at, vendor: "Prolific", product: "Technology Inc. USB-Serial" }),
    ),
    ["mount/synscan", "mount/nexstar"],
  );
  // A named device first; the chip's generic guesses after it, each pair once.
  assertEquals(
    drivers(suggestDrivers({ path: at, vendor: "Silicon", product: "Labs OnStep CP2102" })),
    ["mount/onstep", "mount/lx200"],
  );
  assertEquals(suggestDrivers({ path: at, vendor: "Garmin", product: "GPS 18x" }), []);
  // Every hint names drivers the registry has.
  const known = ["onstep", "nexstar", "synscan", "lx200", "moonlite", "alnitak"];
  for (const hint of SERIAL_HINTS) {
    for (const { driver } of hint.drivers) assertEquals(known.includes(driver), true, driver);
  }
});

Deno.test("serialSection: ports from by-id links, with device paths and suggestions", async () => {
  const dir = await Deno.makeTempDir({ prefix: "serial_by_id_" });
  try {
    const byId = join(dir, "by-id");
    await Deno.mkdir(byId);
    await Deno.writeTextFile(join(dir, "ttyUSB0"), "");
    await Deno.writeTextFile(join(dir, "ttyUSB1"), "");
    await Deno.symlink(
      "../ttyUSB0",
      join(byId, "usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0"),
    );
    await Deno.symlink(
      "../ttyUSB1",
      join(byId, "usb-Prolific_Technology_Inc._USB-Serial_Controller_D-if00-port0"),
    );
    // Unplugged while listing: the link dangles.
    await Deno.symlink("../ttyACM7", join(byId, "usb-1a86_USB2.0-Serial-if00-port0"));
    const section = await serialSection(byId);
    assertEquals(section.error, null);
    assertEquals(section.ports.map((p) => [p.vendor, p.product, p.serial]), [
      ["1a86", "", "USB2.0-Serial"],
      ["FTDI", "FT232R USB UART", "A50285BI"],
      // This adapter has no serial number: list_ports.ts takes the last word for one.
      ["Prolific", "Technology Inc. USB-Serial Controller", "D"],
    ]);
    const [ch340, ftdi, prolific] = section.ports;
    assertEquals(ch340?.device_path, null);
    assertEquals(ftdi?.device_path, await Deno.realPath(join(dir, "ttyUSB0")));
    assertEquals(drivers(ch340!.suggested_drivers), ["mount/onstep", "mount/lx200"]);
    assertEquals(drivers(prolific!.suggested_drivers), ["mount/synscan", "mount/nexstar"]);
    assertEquals(ftdi?.suggested_drivers[2]?.assignment, {
      driver: "lx200",
      options: { path: join(byId, "usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0") },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serialSection: no by-id folder (nothing plugged in) is an empty list", async () => {
  const section = await serialSection("/nonexistent/serial/by-id");
  assertEquals(section, { error: null, ports: [] });
});
