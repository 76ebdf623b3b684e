/**
 * The ZWO section through the real FFI bindings against the gcc-built SDK stubs, placed in a
 * library folder under the SDKs' real file names (as `[devices] zwo_library_dir` would point at
 * them): the stub cameras appear by name, EAF and EFW by name after a short open, a device the
 * box's driver already holds stays open, and a folder without the SDKs is a normal answer.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { buildStubs } from "../../tests/fakes/zwo/build.ts";
import { EafSdk } from "./eaf_sdk.ts";
import { zwoLibraries, zwoSection } from "./discovery.ts";

async function libraryDir(): Promise<string> {
  const stubs = await buildStubs();
  const dir = await Deno.makeTempDir({ prefix: "zwo_libs_" });
  const libs = zwoLibraries(dir);
  await Deno.symlink(stubs.asi, libs.asi);
  await Deno.symlink(stubs.eaf, libs.eaf);
  await Deno.symlink(stubs.efw, libs.efw);
  return dir;
}

Deno.test("zwoSection: the stub SDKs' devices appear by name with assignments", async () => {
  const dir = await libraryDir();
  try {
    const libs = zwoLibraries(dir);
    const { error, sdks } = await zwoSection(libs);
    assertEquals(error, null);
    const [asi, eaf, efw] = sdks;
    assertEquals([asi?.found, asi?.reason, asi?.role], [true, null, "camera"]);
    assert(asi?.version?.includes("stub"), asi?.version ?? "");
    assertEquals(asi?.devices.map((d) => d.name), ["ZWO ASI290MM Cool", "ZWO ASI462MC"]);
    const cam = asi!.devices[1]!;
    assertEquals(cam.details.is_color, true);
    assertEquals(cam.assignment, { driver: "zwo", options: { id: cam.id, library: libs.asi } });
    assertEquals(eaf?.devices.map((d) => [d.name, d.details]), [["EAF", { max_step: 30000 }]]);
    assertEquals(efw?.devices.map((d) => d.name), ["EFW"]);
    assert(typeof efw?.devices[0]?.details.slot_count === "number");
    assertEquals(efw?.devices[0]?.assignment.driver, "zwo");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("zwoSection: closes what it opened and leaves a driver's open device open", async () => {
  const dir = await libraryDir();
  const libs = zwoLibraries(dir);
  // Same file, same process: the stub's state is shared, as with the box's own EAF driver.
  const driverSide = EafSdk.open(libs.eaf);
  try {
    const id = await driverSide.idAt(0);
    await zwoSection(libs);
    // Opened for the name and closed again: a closed EAF refuses its properties.
    const closed = await driverSide.info(id).then(() => false, () => true);
    assertEquals(closed, true);
    await driverSide.open(id);
    await zwoSection(libs);
    assertEquals((await driverSide.info(id)).name, "EAF");
    await driverSide.closeDevice(id);
  } finally {
    driverSide.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("zwoSection: no SDK in the folder is an answer with the loader's reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zwo_empty_" });
  try {
    const { error, sdks } = await zwoSection(zwoLibraries(dir));
    assertEquals(error, null);
    assertEquals(sdks.map((s) => [s.sdk, s.found, s.devices.length]), [
      ["asi", false, 0],
      ["eaf", false, 0],
      ["efw", false, 0],
    ]);
    for (const sdk of sdks) assert(sdk.reason?.includes(sdk.library), sdk.reason ?? "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
