import assert from "node:assert/strict";
import { compileOnly, sourcePath } from "../../tests/fakes/zwo/build.ts";
import {
  type DataModel,
  hostDataModel,
  ILP32,
  layoutStruct,
  LP64,
  type StructLayout,
  StructReader,
  zwoLayouts,
} from "./layout.ts";

/**
 * Reference offsets. LP64: the table in shared/protocols/zwo-sdk.md (ASICamera2.h on 64-bit
 * Linux, 248 bytes). ILP32: worked out by hand for ARM EABI (4-byte long, 8-aligned double):
 * the doc's stated total of 240 bytes is the check on that arithmetic.
 */
const CAMERA_INFO: Record<DataModel["name"], { size: number; offsets: Record<string, number> }> = {
  LP64: {
    size: 248,
    offsets: {
      Name: 0,
      CameraID: 64,
      MaxHeight: 72,
      MaxWidth: 80,
      IsColorCam: 88,
      BayerPattern: 92,
      SupportedBins: 96,
      SupportedVideoFormat: 160,
      PixelSize: 192,
      MechanicalShutter: 200,
      ST4Port: 204,
      IsCoolerCam: 208,
      IsUSB3Host: 212,
      IsUSB3Camera: 216,
      ElecPerADU: 220,
      BitDepth: 224,
      IsTriggerCam: 228,
      Unused: 232,
    },
  },
  ILP32: {
    size: 240,
    offsets: {
      Name: 0,
      CameraID: 64,
      MaxHeight: 68,
      MaxWidth: 72,
      IsColorCam: 76,
      BayerPattern: 80,
      SupportedBins: 84,
      SupportedVideoFormat: 148,
      PixelSize: 184,
      MechanicalShutter: 192,
      ST4Port: 196,
      IsCoolerCam: 200,
      IsUSB3Host: 204,
      IsUSB3Camera: 208,
      ElecPerADU: 212,
      BitDepth: 216,
      IsTriggerCam: 220,
      Unused: 224,
    },
  },
};

const CONTROL_CAPS: Record<DataModel["name"], { size: number; offsets: Record<string, number> }> = {
  LP64: {
    size: 264,
    offsets: {
      Name: 0,
      Description: 64,
      MaxValue: 192,
      MinValue: 200,
      DefaultValue: 208,
      IsAutoSupported: 216,
      IsWritable: 220,
      ControlType: 224,
      Unused: 228,
    },
  },
  ILP32: {
    size: 248,
    offsets: {
      Name: 0,
      Description: 64,
      MaxValue: 192,
      MinValue: 196,
      DefaultValue: 200,
      IsAutoSupported: 204,
      IsWritable: 208,
      ControlType: 212,
      Unused: 216,
    },
  },
};

for (const model of [LP64, ILP32]) {
  Deno.test(`layout ${model.name}: ASI structs match the reference tables`, () => {
    const layouts = zwoLayouts(model);
    assert.deepEqual(layouts.cameraInfo.offsets, CAMERA_INFO[model.name].offsets);
    assert.equal(layouts.cameraInfo.sizeBytes, CAMERA_INFO[model.name].size);
    assert.deepEqual(layouts.controlCaps.offsets, CONTROL_CAPS[model.name].offsets);
    assert.equal(layouts.controlCaps.sizeBytes, CONTROL_CAPS[model.name].size);
    // EAF_INFO and EFW_INFO hold only ints and chars: the same 72 bytes in both models.
    assert.deepEqual(layouts.eafInfo.offsets, { ID: 0, Name: 4, MaxStep: 68 });
    assert.deepEqual(layouts.efwInfo.offsets, { ID: 0, Name: 4, slotNum: 68 });
    assert.deepEqual([layouts.eafInfo.sizeBytes, layouts.efwInfo.sizeBytes], [72, 72]);
  });
}

/** C source asserting, at compile time, every offset and size the TS layout claims. */
function staticAsserts(layouts: StructLayout[]): string {
  const lines = [`#include "${sourcePath("zwo_types.h")}"`];
  for (const layout of layouts) {
    lines.push(
      `_Static_assert(sizeof(${layout.name}) == ${layout.sizeBytes}, "sizeof ${layout.name}");`,
    );
    for (const [field, offset] of Object.entries(layout.offsets)) {
      lines.push(
        `_Static_assert(__builtin_offsetof(${layout.name}, ${field}) == ${offset}, ` +
          `"${layout.name}.${field}");`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

// gcc targets: x86_64 is LP64 as aarch64 is; x32 (-mx32) is ILP32 with 8-aligned doubles, the
// same rules as 32-bit ARM EABI, so the compiler checks both tables without a cross toolchain.
for (const [model, flag] of [[LP64, "-m64"], [ILP32, "-mx32"]] as const) {
  Deno.test(`layout ${model.name}: gcc ${flag} agrees with every offset`, async () => {
    const layouts = zwoLayouts(model);
    const dir = await Deno.makeTempDir({ prefix: "zwo_layout_" });
    try {
      const source = `${dir}/layout_check.c`;
      await Deno.writeTextFile(
        source,
        staticAsserts([layouts.cameraInfo, layouts.controlCaps, layouts.eafInfo, layouts.efwInfo]),
      );
      await compileOnly(source, `${dir}/layout_check.o`, [flag]);
      // And the check can fail: a wrong offset must stop the compiler.
      const wrong = {
        ...layouts.cameraInfo,
        offsets: { ...layouts.cameraInfo.offsets, PixelSize: 188 },
      };
      await Deno.writeTextFile(source, staticAsserts([wrong]));
      await assert.rejects(
        () => compileOnly(source, `${dir}/layout_check.o`, [flag]),
        /ASI_CAMERA_INFO.PixelSize/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("layout: the host data model is the one the native compiler uses", async () => {
  const dir = await Deno.makeTempDir({ prefix: "zwo_layout_" });
  try {
    const source = `${dir}/host_check.c`;
    const longBytes = hostDataModel().longBytes;
    await Deno.writeTextFile(source, `_Static_assert(sizeof(long) == ${longBytes}, "long");\n`);
    await compileOnly(source, `${dir}/host_check.o`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("layout: StructReader reads longs by the model's size, strings to the NUL", () => {
  const fields = [["Name", "char", 8], ["Big", "long"], ["Bins", "int", 4]] as const;
  for (const model of [LP64, ILP32]) {
    const layout = layoutStruct("T", fields, model);
    const bytes = new Uint8Array(layout.sizeBytes);
    const view = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode("EAF\0junk"), 0);
    if (model.longBytes === 8) view.setBigInt64(layout.offsets.Big!, 4144n, true);
    else view.setInt32(layout.offsets.Big!, 4144, true);
    [1, 2, 4, 0].forEach((v, i) => view.setInt32(layout.offsets.Bins! + 4 * i, v, true));
    const s = new StructReader(layout, model, bytes);
    assert.equal(s.string("Name", 8), "EAF");
    assert.equal(s.long("Big"), 4144);
    assert.deepEqual(s.intList("Bins", 4, 0), [1, 2, 4]);
    assert.throws(() => s.int("Big"), /no int field Big/);
    assert.throws(() => new StructReader(layout, model, bytes.subarray(1)), /needs \d+ bytes/);
  }
});
