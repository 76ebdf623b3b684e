/**
 * Release version order, for the update check's floor: dotted numbers compared as numbers, a
 * pre-release (`1.2.0-rc.1`) before its release, as semver orders them. Build metadata after `+`
 * does not order. Anything the release format's version pattern allows compares without throwing.
 */

/** Negative when `a` is older than `b`, 0 when the same, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  const core = compareParts(coreA.split("."), coreB.split("."));
  if (core !== 0) return core;
  if (preA === null || preB === null) return preA === preB ? 0 : preA === null ? 1 : -1;
  return compareParts(preA.split("."), preB.split("."));
}

function split(version: string): [string, string | null] {
  const withoutBuild = version.split("+")[0]!;
  const dash = withoutBuild.search(/[-~]/);
  return dash < 0
    ? [withoutBuild, null]
    : [withoutBuild.slice(0, dash), withoutBuild.slice(dash + 1)];
}

function compareParts(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : null;
    const ny = /^\d+$/.test(y) ? Number(y) : null;
    if (nx !== null && ny !== null) {
      if (nx !== ny) return nx - ny;
    } else if (nx !== null) return -1; // numeric identifiers sort before alphanumeric ones
    else if (ny !== null) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
