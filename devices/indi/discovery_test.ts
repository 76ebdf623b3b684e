/**
 * The INDI catalogue reader against an excerpt of the real drivers.xml (Debian libindi-data
 * 1.9.9, tests/fixtures/indi/drivers_excerpt.xml names the lines), the role mapping's two special
 * cases (rotators filed under Focusers, light boxes among Auxiliary), and the installed check
 * over a temp catalogue and bin folder.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { groupByRole, indiRole, indiSection, parseDriversXml } from "./discovery.ts";

const FIXTURE = decodeURIComponent(
  new URL("../../tests/fixtures/indi/drivers_excerpt.xml", import.meta.url).pathname,
);

Deno.test("parseDriversXml: reads every device of the real catalogue excerpt", async () => {
  const entries = parseDriversXml(await Deno.readTextFile(FIXTURE));
  assertEquals(entries.length, 22);
  assertEquals(entries[0], {
    label: "LX200 Basic",
    manufacturer: "Meade",
    driver_name: "LX200 Basic",
    executable: "indi_lx200basic",
    version: "2.1",
    group: "Telescopes",
  });
  // An extra attribute (mdpd) between label and manufacturer does not hide either.
  const ccd = entries.find((e) => e.executable === "indi_simulator_ccd");
  assertEquals(ccd?.label, "CCD Simulator");
  assertEquals(ccd?.manufacturer, "Simulator");
  // A device labelled apart from its driver keeps both names (Pulsar Dome runs "Rigel Dome").
  const pulsar = entries.find((e) => e.label === "Pulsar Dome");
  assertEquals([pulsar?.driver_name, pulsar?.group], ["Rigel Dome", "Domes"]);
});

Deno.test("indiRole: groups map to roles; rotators and light boxes by name", async () => {
  const entries = parseDriversXml(await Deno.readTextFile(FIXTURE));
  const role = (label: string) => indiRole(entries.find((e) => e.label === label)!);
  assertEquals(role("Telescope Simulator"), "mount");
  assertEquals(role("Focuser Simulator"), "focuser");
  // INDI 1.9 lists these under Focusers.
  assertEquals(role("Rotator Simulator"), "rotator");
  assertEquals(role("Pegasus Falcon"), "rotator");
  assertEquals(role("CCD Simulator"), "camera");
  assertEquals(role("Filter Simulator"), "filterwheel");
  assertEquals(role("Dome Simulator"), "dome");
  assertEquals(role("Weather Simulator"), "weather");
  for (
    const label of ["Light Panel Simulator", "Flip Flat", "SnapCap", "Alnitak Remote Dust Cover"]
  ) {
    assertEquals(role(label), "flatpanel", label);
  }
  assertEquals(role("Astrometry"), null);
  assertEquals(role("Imager Agent"), null);
  const groups = groupByRole(entries);
  assertEquals(groups.map((g) => g.role), [
    "mount",
    "focuser",
    "rotator",
    "camera",
    "filterwheel",
    "flatpanel",
    "dome",
    "weather",
  ]);
});

Deno.test("parseDriversXml: entities, comments, and files that are not catalogues", () => {
  const text = `<driversList><!-- <devGroup group="CCDs"><device label="Ghost">
      <driver name="Ghost">indi_ghost</driver></device></devGroup> -->
    <devGroup group='Telescopes'>
      <device manufacturer="Baader &amp; Co" label="Steel &quot;Drive&quot;">
        <driver name="SteelDrive">indi_steeldrive</driver>
      </device>
      <device label="No binary"><driver name="x">../../bin/sh</driver></device>
    </devGroup></driversList>`;
  assertEquals(parseDriversXml(text), [{
    label: 'Steel "Drive"',
    manufacturer: "Baader & Co",
    driver_name: "SteelDrive",
    executable: "indi_steeldrive",
    version: null,
    group: "Telescopes",
  }]);
  // A driver's own property skeleton (e.g. indi_tcfs_sk.xml) lives in the same folder.
  assertEquals(parseDriversXml('<INDIDriver><defSwitchVector device="x"/></INDIDriver>'), []);
});

Deno.test("indiSection: lists only installed drivers, third-party catalogues included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "indi_catalogue_" });
  try {
    const share = join(dir, "share");
    const bin = join(dir, "bin");
    await Deno.mkdir(share);
    await Deno.mkdir(bin);
    await Deno.copyFile(FIXTURE, join(share, "drivers.xml"));
    await Deno.writeTextFile(
      join(share, "indi_asi.xml"),
      `<driversList><devGroup group="CCDs"><device label="ZWO CCD" manufacturer="ZWO">
        <driver name="ZWO CCD">indi_asi_ccd</driver><version>2.3</version></device>
      </devGroup></driversList>`,
    );
    await Deno.writeTextFile(join(share, "indi_tcfs_sk.xml"), "<INDIDriver></INDIDriver>");
    for (const exe of ["indi_simulator_telescope", "indi_simulator_rotator", "indi_flipflat"]) {
      await Deno.writeTextFile(join(bin, exe), "#!/bin/sh\n");
    }
    await Deno.writeTextFile(join(bin, "indi_asi_ccd"), "");
    const section = await indiSection(share, bin);
    assertEquals(section.found, true);
    const labels = Object.fromEntries(
      section.groups.map((g) => [g.role, g.drivers.map((d) => d.label)]),
    );
    assertEquals(labels, {
      mount: ["Telescope Simulator"],
      rotator: ["Rotator Simulator"],
      flatpanel: ["Alnitak Remote Dust Cover", "Flip Flat", "Flip Man"],
      camera: ["ZWO CCD"],
    });
    // 22 catalogue entries and the third-party one; 6 are installed.
    assertEquals(section.not_installed_count, 23 - 6);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("indiSection: no catalogue means INDI is not installed, which is no error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "indi_none_" });
  try {
    const section = await indiSection(dir, dir);
    assertEquals([section.error, section.found, section.groups], [null, false, []]);
    assert(section.reason?.includes(join(dir, "drivers.xml")), section.reason ?? "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
