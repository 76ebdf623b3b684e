/**
 * The SPDX licence and exception lists (the spdx-license-ids and spdx-exceptions packages, the
 * list's own data), looked up case-insensitively: a declared `mit` or Debian's `BSD-3-clause`
 * becomes the listed `MIT` / `BSD-3-Clause`, and an identifier that is on neither list is
 * reported as unknown rather than passed on as if it were a licence.
 */
import deprecatedIds from "spdx-license-ids/deprecated.json" with { type: "json" };
import licenceIds from "spdx-license-ids/index.json" with { type: "json" };
import exceptionIds from "spdx-exceptions/index.json" with { type: "json" };

function byLowerCase(ids: string[]): Map<string, string> {
  return new Map(ids.map((id) => [id.toLowerCase(), id]));
}

const LICENCES = byLowerCase([...licenceIds, ...deprecatedIds]);
const DEPRECATED = new Set(deprecatedIds);
const EXCEPTIONS = byLowerCase(exceptionIds);

/** The listed spelling of a licence identifier, or null when SPDX does not list it. */
export function listedLicence(id: string): string | null {
  return LICENCES.get(id.toLowerCase()) ?? null;
}

/** Whether SPDX lists the identifier only as deprecated (e.g. `GPL-2.0` for `GPL-2.0-only`). */
export function isDeprecatedLicence(id: string): boolean {
  return DEPRECATED.has(id);
}

/** The listed spelling of an exception identifier, or null when SPDX does not list it. */
export function listedException(id: string): string | null {
  return EXCEPTIONS.get(id.toLowerCase()) ?? null;
}

/** Every listed exception, for matching Debian's free-form "with … exception" phrases. */
export function listedExceptions(): string[] {
  return [...EXCEPTIONS.values()];
}
