/**
 * An equipment profile: which driver fills each device role, with what options, at which site,
 * behind which optics. Exactly one profile is active; the hub builds the rig from it. A role's
 * `options` are its driver's own (see devices/driver_catalogue.ts): `ProfileInput` keeps them as a
 * plain object, as stored; `profileSchemas(catalogue)` gives the API's shape of a profile, each
 * role a union on `driver` with that driver's options schema, for request validation and the
 * OpenAPI document.
 */
import { z } from "zod";
import { DEVICE_KINDS } from "../../devices/device.ts";
import type { DriverCatalogue } from "../../devices/driver_catalogue.ts";

export const SiteSchema = z.object({
  latitude: z.number().min(-90).max(90).describe("degrees, north positive"),
  longitude: z.number().min(-180).max(180).describe("degrees, east positive"),
  elevation: z.number().min(-500).max(9000).default(0).describe("metres"),
});

export const OpticsSchema = z.object({
  focal_length_mm: z.number().positive().max(20_000),
  aperture_mm: z.number().positive().max(5_000),
  pixel_size_um: z.number().positive().max(50).nullable().default(null)
    .describe("overrides the camera's own figure when set"),
});

export const DeviceAssignmentSchema = z.object({
  driver: z.string().min(1).describe('registry id, e.g. "sim"'),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const DevicesSchema = z.object(
  Object.fromEntries(
    DEVICE_KINDS.map((kind) => [kind, DeviceAssignmentSchema.nullable().default(null)]),
  ) as Record<
    typeof DEVICE_KINDS[number],
    z.ZodDefault<z.ZodNullable<typeof DeviceAssignmentSchema>>
  >,
);

export const ProfileInput = z.object({
  name: z.string().min(1).max(80),
  site: SiteSchema,
  optics: OpticsSchema,
  devices: DevicesSchema.default(DevicesSchema.parse({})),
});
export type ProfileInput = z.infer<typeof ProfileInput>;

const STORED = {
  id: z.string(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
};

export const Profile = ProfileInput.extend(STORED);
export type Profile = z.infer<typeof Profile>;

/**
 * The profile as the API documents and validates it: `devices.<role>` is one of the role's
 * drivers, `{ driver, options }`, the options checked by that driver's schema (strict: a key it
 * does not know is refused). `input` validates request bodies; `profile` documents answers.
 */
export function profileSchemas(catalogue: DriverCatalogue) {
  const roles = Object.fromEntries(DEVICE_KINDS.map((kind) => {
    const members = catalogue.drivers(kind).map((spec) =>
      z.object({
        driver: z.literal(spec.id).describe(`${spec.title}: ${spec.description}`),
        options: spec.options.optional(),
      })
    );
    const [first, ...rest] = members;
    const assignment = first === undefined
      ? z.null()
      : rest.length === 0
      ? first
      : z.discriminatedUnion("driver", [first, ...rest]);
    return [
      kind,
      assignment.nullable().default(null)
        .describe(`the ${kind}'s driver and its options; null when the profile has none`),
    ];
  }));
  const devices = z.object(roles).prefault({})
    .describe("a driver per role; GET /devices/drivers lists each driver's options");
  const input = ProfileInput.extend({ devices });
  return { input, profile: input.extend(STORED) };
}

/** The profile a fresh box starts with: every role on its simulator, a site at Greenwich. */
export function simulatorProfile(): ProfileInput {
  const sim = { driver: "sim", options: {} };
  return ProfileInput.parse({
    name: "Simulators",
    site: { latitude: 51.4769, longitude: -0.0005, elevation: 46 },
    optics: { focal_length_mm: 530, aperture_mm: 106 },
    devices: {
      ...Object.fromEntries(DEVICE_KINDS.map((kind) => [kind, sim])),
      // A 4/3-inch 4144 × 2822 sensor of 4.63 µm pixels: at 530 mm a 2.1° × 1.4° field at 1.8″
      // per pixel, wide enough for the Tycho-2 index files Debian ships (about 15 stars per
      // square degree) to solve anywhere in the sky. A true V-curve, its best focus a little off
      // the focuser's start, for autofocus to find.
      camera: {
        driver: "sim",
        options: {
          widthPx: 4144,
          heightPx: 2822,
          pixelSizeUm: 4.63,
          focus: { bestPosition: 25120 },
        },
      },
      // A mount as set up in a field: a rough polar alignment and a few arcminutes of index and
      // cone error, so plate solving, centring, polar alignment and the pointing model have real
      // work to do on the simulators (the camera renders the sky where the optics really point).
      mount: {
        driver: "sim",
        options: {
          polarAltErrorArcmin: 7,
          polarAzErrorArcmin: -4,
          ihArcsec: 180,
          idArcsec: -120,
          chArcsec: 45,
          npArcsec: 20,
        },
      },
    },
  });
}
