/**
 * Which masters calibrate a given light, and why. A master is eligible when it shares the light's
 * camera, gain, offset, binning and size and its mean sensor temperature is within the tolerance
 * (unknown temperatures are accepted, and the reason says so). Among eligible masters the closest
 * temperature wins, then the newest. Darks match by exact exposure; failing that, the closest
 * longer dark's thermal signal (dark − bias) is scaled by the exposure ratio — only when a bias
 * master exists, because without one the bias would be scaled too. Flats match by filter. Pure:
 * the caller supplies the masters.
 */
import type { LightSettingsDto, MasterDto, MasterType, MatchDto } from "../schemas/calibration.ts";

type Choice = { master: MasterDto | null; reason: string };

export function matchMasters(
  light: LightSettingsDto,
  masters: readonly MasterDto[],
  toleranceC: number,
): MatchDto {
  if (!(toleranceC >= 0)) throw new RangeError(`toleranceC must be ≥ 0, got ${toleranceC}`);
  const pool = (type: MasterType) => {
    const ofType = masters.filter((m) => m.type === type);
    const rejected: string[] = [];
    const eligible = ofType.filter((m) => {
      const why = mismatch(light, m, toleranceC);
      if (why !== null) rejected.push(why);
      return why === null;
    });
    return { ofType, eligible: eligible.sort(byPreference(light)), rejected };
  };

  const bias = pool("bias");
  const biasChoice: Choice = bias.eligible[0]
    ? { master: bias.eligible[0], reason: `bias: ${describe(light, bias.eligible[0])}` }
    : {
      master: null,
      reason: `no bias master matches${summary(bias.ofType.length, bias.rejected)}`,
    };

  const flats = pool("flat");
  const byFilter = flats.eligible.filter((m) => m.filter === light.filter);
  const filterName = light.filter ?? "(none)";
  const flatChoice: Choice = byFilter[0]
    ? {
      master: byFilter[0],
      reason: `flat for filter ${filterName}: ${describe(light, byFilter[0])}`,
    }
    : {
      master: null,
      reason: `no flat master for filter ${filterName}${
        summary(flats.ofType.length, [
          ...flats.rejected,
          ...flats.eligible.map((m) => `filter ${m.filter ?? "(none)"}`),
        ])
      }`,
    };

  return {
    light,
    tolerance_c: toleranceC,
    bias: biasChoice,
    dark: chooseDark(light, pool("dark"), biasChoice.master),
    flat: flatChoice,
  };
}

function chooseDark(
  light: LightSettingsDto,
  darks: { ofType: MasterDto[]; eligible: MasterDto[]; rejected: string[] },
  bias: MasterDto | null,
): MatchDto["dark"] {
  const want = light.exposure_s;
  const exact = darks.eligible.find((m) => sameExposure(m.exposure_s, want));
  if (exact) {
    return {
      master: exact,
      scale: null,
      reason: `dark of the same ${want} s: ${describe(light, exact)}`,
    };
  }
  const longer = darks.eligible.filter((m) => m.exposure_s > want)
    .sort((a, b) => a.exposure_s - b.exposure_s)[0];
  if (longer && bias) {
    const scale = want / longer.exposure_s;
    return {
      master: longer,
      scale,
      reason:
        `no dark of ${want} s: the ${longer.exposure_s} s dark's thermal signal (dark − bias) ` +
        `is scaled by ${round(scale, 4)}: ${describe(light, longer)}`,
    };
  }
  if (longer) {
    return {
      master: null,
      scale: null,
      reason: `no dark of ${want} s, and the ${longer.exposure_s} s dark cannot be scaled ` +
        `without a matching bias master`,
    };
  }
  const others = darks.eligible.map((m) => `${m.exposure_s} s is shorter than the light`);
  return {
    master: null,
    scale: null,
    reason: `no dark of ${want} s or longer${
      summary(darks.ofType.length, [...darks.rejected, ...others])
    }`,
  };
}

/** Why `m` cannot calibrate `light`, or null when it can (type and filter aside). */
function mismatch(light: LightSettingsDto, m: MasterDto, toleranceC: number): string | null {
  if (light.camera !== null && m.camera !== light.camera) {
    return `camera ${m.camera ?? "(unknown)"} ≠ ${light.camera}`;
  }
  if (m.gain !== light.gain) return `gain ${m.gain} ≠ ${light.gain}`;
  if (m.offset !== light.offset) return `offset ${m.offset} ≠ ${light.offset}`;
  if (m.binning !== light.binning) return `binning ${m.binning} ≠ ${light.binning}`;
  if (
    (light.width !== null && m.width !== light.width) ||
    (light.height !== null && m.height !== light.height)
  ) {
    return `size ${m.width}×${m.height} ≠ ${light.width}×${light.height}`;
  }
  const dt = tempDifference(light, m);
  if (dt !== null && dt > toleranceC) {
    return `temperature ${round(m.temp_c!, 1)} °C is ${round(dt, 1)} °C from ${
      round(light.temp_c!, 1)
    } °C (tolerance ${toleranceC} °C)`;
  }
  return null;
}

function tempDifference(light: LightSettingsDto, m: MasterDto): number | null {
  return light.temp_c === null || m.temp_c === null ? null : Math.abs(m.temp_c - light.temp_c);
}

function byPreference(light: LightSettingsDto) {
  return (a: MasterDto, b: MasterDto) => {
    const da = tempDifference(light, a) ?? Infinity;
    const db = tempDifference(light, b) ?? Infinity;
    if (da !== db) return da - db;
    return b.created_at.localeCompare(a.created_at);
  };
}

function sameExposure(aS: number, bS: number): boolean {
  // Exposures travel as decimal seconds through FITS and JSON: compare to a microsecond.
  return Math.abs(aS - bS) <= 1e-6 * Math.max(1, aS, bS);
}

function describe(light: LightSettingsDto, m: MasterDto): string {
  const dt = tempDifference(light, m);
  const temp = dt === null
    ? "temperature unknown, not checked"
    : `${round(m.temp_c!, 1)} °C, ${round(dt, 1)} °C from the light`;
  return `master ${m.id} (${m.frame_count} frames, ${temp})`;
}

function summary(count: number, rejected: string[]): string {
  if (count === 0) return " (the library has none of this type)";
  return ` (${count} of this type, rejected: ${rejected.join("; ")})`;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
