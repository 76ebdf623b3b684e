/** The matching rules, one row of the table per rule, each with the master it must choose. */
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import type { LightSettingsDto, MasterDto } from "../schemas/calibration.ts";
import { matchMasters } from "./match.ts";

const LIGHT: LightSettingsDto = {
  camera: "ZWO ASI2600MM",
  gain: 100,
  offset: 50,
  binning: 1,
  width: 800,
  height: 600,
  temp_c: -10,
  exposure_s: 120,
  filter: "Ha",
};

let serial = 0;
function master(over: Partial<MasterDto>): MasterDto {
  serial++;
  return {
    id: over.id ?? `m${serial}`,
    type: "bias",
    path: `calibration/m${serial}.fits`,
    camera: LIGHT.camera,
    gain: 100,
    offset: 50,
    binning: 1,
    width: 800,
    height: 600,
    temp_c: -10,
    exposure_s: 0,
    filter: null,
    date_obs: "2026-01-01T00:00:00.000Z",
    frame_count: 20,
    method: "median",
    kappa: 3,
    frame_ids: [],
    notes: null,
    created_at: `2026-01-0${1 + (serial % 8)}T00:00:00.000Z`,
    ...over,
  };
}

interface Row {
  rule: string;
  light?: Partial<LightSettingsDto>;
  masters: MasterDto[];
  toleranceC?: number;
  expect: {
    bias?: string | null;
    dark?: string | null;
    darkScale?: number | null;
    flat?: string | null;
  };
  reason?: RegExp;
}

const TABLE: Row[] = [
  {
    rule: "exact dark by exposure, bias and flat of the filter",
    masters: [
      master({ id: "b" }),
      master({ id: "d120", type: "dark", exposure_s: 120 }),
      master({ id: "d300", type: "dark", exposure_s: 300 }),
      master({ id: "fHa", type: "flat", exposure_s: 2, filter: "Ha" }),
      master({ id: "fL", type: "flat", exposure_s: 1, filter: "L" }),
    ],
    expect: { bias: "b", dark: "d120", darkScale: null, flat: "fHa" },
  },
  {
    rule: "no exact dark: the closest longer one is scaled, since a bias exists",
    masters: [
      master({ id: "b" }),
      master({ id: "d60", type: "dark", exposure_s: 60 }),
      master({ id: "d600", type: "dark", exposure_s: 600 }),
      master({ id: "d300", type: "dark", exposure_s: 300 }),
    ],
    expect: { bias: "b", dark: "d300", darkScale: 0.4, flat: null },
    reason: /scaled by 0\.4/,
  },
  {
    rule: "no exact dark and no bias: nothing is scaled, and the reason says so",
    masters: [master({ id: "d300", type: "dark", exposure_s: 300 })],
    expect: { bias: null, dark: null, darkScale: null },
    reason: /cannot be scaled without a matching bias/,
  },
  {
    rule: "only shorter darks: none chosen",
    masters: [master({ id: "b" }), master({ id: "d60", type: "dark", exposure_s: 60 })],
    expect: { bias: "b", dark: null },
    reason: /60 s is shorter/,
  },
  {
    rule: "gain, offset, binning, camera and size must match",
    masters: [
      master({ id: "g", gain: 200 }),
      master({ id: "o", offset: 10 }),
      master({ id: "bin", binning: 2, width: 400, height: 300 }),
      master({ id: "cam", camera: "Other camera" }),
      master({ id: "size", width: 1024 }),
    ],
    expect: { bias: null },
    reason: /gain 200 ≠ 100.*offset 10 ≠ 50.*binning 2 ≠ 1.*camera Other camera.*size 1024×600/,
  },
  {
    rule: "temperature outside the default 2 °C is refused",
    masters: [master({ id: "warm", temp_c: -7.5 })],
    expect: { bias: null },
    reason: /-7\.5 °C is 2\.5 °C from -10 °C/,
  },
  {
    rule: "a wider tolerance by query accepts it",
    masters: [master({ id: "warm", temp_c: -7.5 })],
    toleranceC: 3,
    expect: { bias: "warm" },
  },
  {
    rule: "closest temperature wins over newer",
    masters: [
      master({ id: "near", temp_c: -10.2, created_at: "2026-01-01T00:00:00.000Z" }),
      master({ id: "far", temp_c: -11.5, created_at: "2026-02-01T00:00:00.000Z" }),
    ],
    expect: { bias: "near" },
  },
  {
    rule: "same temperature: the newest wins",
    masters: [
      master({ id: "old", created_at: "2026-01-01T00:00:00.000Z" }),
      master({ id: "new", created_at: "2026-03-01T00:00:00.000Z" }),
    ],
    expect: { bias: "new" },
  },
  {
    rule: "a light of unknown temperature accepts any, and says it was not checked",
    light: { temp_c: null },
    masters: [master({ id: "b", temp_c: 5 })],
    expect: { bias: "b" },
    reason: /temperature unknown, not checked/,
  },
  {
    rule: "flats by filter: no flat of the light's filter, none chosen",
    light: { filter: "OIII" },
    masters: [master({ id: "fHa", type: "flat", filter: "Ha", exposure_s: 2 })],
    expect: { flat: null },
    reason: /no flat master for filter OIII.*filter Ha/,
  },
  {
    rule: "a dark-flat is never used as a light's dark",
    masters: [master({ id: "df", type: "darkflat", exposure_s: 120 })],
    expect: { dark: null },
  },
  {
    rule: "a light of unknown camera is matched on the other settings",
    light: { camera: null },
    masters: [master({ id: "b", camera: "Anything" })],
    expect: { bias: "b" },
  },
];

for (const row of TABLE) {
  Deno.test(`match: ${row.rule}`, () => {
    const result = matchMasters({ ...LIGHT, ...row.light }, row.masters, row.toleranceC ?? 2);
    const e = row.expect;
    if ("bias" in e) assertEquals(result.bias.master?.id ?? null, e.bias);
    if ("dark" in e) assertEquals(result.dark.master?.id ?? null, e.dark);
    if ("darkScale" in e) assertEquals(result.dark.scale, e.darkScale);
    if ("flat" in e) assertEquals(result.flat.master?.id ?? null, e.flat);
    const reasons = [result.bias.reason, result.dark.reason, result.flat.reason].join(" | ");
    if (row.reason) assertMatch(reasons, row.reason);
    assert(result.bias.reason.length > 0 && result.dark.reason.length > 0);
  });
}
