/**
 * An npm package's declared licence as an SPDX expression. package.json's `license` is meant to
 * be one (`MIT`, `(MIT OR Apache-2.0)`); older packages use an object `{ type }` or a `licenses`
 * array, which npm reads as a choice between them. Identifiers get SPDX's spelling (`mit` →
 * `MIT`) and an expression stays an expression. Anything else — no field, `UNLICENSED`, `SEE
 * LICENSE IN <file>`, an identifier SPDX does not list, text that does not parse — leaves the
 * licence unknown with the reason, for the test to fail on by name.
 */
import {
  formatSpdx,
  isLicenceRef,
  mapSpdxLicences,
  parseSpdx,
  SpdxSyntaxError,
} from "../../core/license/spdx.ts";
import { listedException, listedLicence } from "../../core/license/spdx_list.ts";
import type { PackageJson } from "./package_files.ts";

export interface NpmLicence {
  /** Canonical SPDX expression, or null when unknown. */
  expression: string | null;
  /** What the package declares, as text. */
  declared: string | null;
  /** Why `expression` is null. */
  problem: string | null;
}

function typeOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (
    value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string"
  ) {
    return (value as { type: string }).type;
  }
  return null;
}

/** The declared licence text: `license`, or the legacy forms, or null. */
export function declaredLicence(json: PackageJson): string | null {
  const single = typeOf(json.license);
  if (single !== null) return single.trim();
  const list = Array.isArray(json.licenses) ? json.licenses.map(typeOf) : [];
  if (list.length > 0 && list.every((t) => t !== null)) {
    return list.length === 1 ? list[0]! : `(${list.join(" OR ")})`;
  }
  return typeOf(json.licenses);
}

export function npmLicence(json: PackageJson): NpmLicence {
  const declared = declaredLicence(json);
  const unknown = (problem: string): NpmLicence => ({ expression: null, declared, problem });
  if (declared === null || declared === "") return unknown("package.json declares no licence");
  if (/^UNLICENSED$/i.test(declared)) return unknown("UNLICENSED: no rights are granted");
  if (/^SEE LICEN[CS]E IN /i.test(declared)) {
    return unknown(`"${declared}": not an SPDX expression, read the file`);
  }
  try {
    const unlisted: string[] = [];
    const node = mapSpdxLicences(parseSpdx(declared), (n) => {
      const id = isLicenceRef(n.id) ? n.id : listedLicence(n.id);
      const exception = n.exception === null ? null : listedException(n.exception);
      if (id === null) unlisted.push(n.id);
      if (n.exception !== null && exception === null) unlisted.push(n.exception);
      return { ...n, id: id ?? n.id, exception: exception ?? n.exception };
    });
    if (unlisted.length > 0) {
      return unknown(`not on the SPDX licence list: ${unlisted.join(", ")}`);
    }
    return { expression: formatSpdx(node), declared, problem: null };
  } catch (err) {
    if (err instanceof SpdxSyntaxError) return unknown(`not an SPDX expression: ${err.message}`);
    throw err;
  }
}
