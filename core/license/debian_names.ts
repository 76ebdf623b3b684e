/**
 * Debian's licence short names (DEP-5, "License specification") as SPDX identifiers. Debian's
 * names are mostly SPDX's with other spellings — `GPL-2+` is `GPL-2.0-or-later`, `Expat` is
 * `MIT`, `BSD-3-clause` is `BSD-3-Clause` — plus names SPDX has no entry for (`public-domain`,
 * `permissive`, a package's own name). Those become `LicenseRef-Debian-<name>`, so the expression
 * stays valid SPDX while saying plainly that the licence is the copyright file's text, not a
 * listed one; an exception SPDX does not list becomes `AdditionRef-Debian-<name>`.
 */
import type { SpdxLicenceNode } from "./spdx.ts";
import { listedException, listedExceptions, listedLicence } from "./spdx_list.ts";

/** Names that differ from SPDX's by more than case. */
const ALIASES: Record<string, string> = {
  "expat": "MIT",
  "mit/x11": "MIT",
  "bsd-2": "BSD-2-Clause",
  "bsd-3": "BSD-3-Clause",
  "bsd-4": "BSD-4-Clause",
  "cc0": "CC0-1.0",
  "apache": "Apache-2.0",
  "artistic": "Artistic-1.0",
  "mpl": "MPL-1.1",
  "psf-2": "PSF-2.0",
  "zope": "ZPL-2.1",
};

/** The GNU licences, whose `-only`/`-or-later` forms SPDX lists instead of a bare version. */
const GNU_NAME = /^((?:A|L)?GPL|GFDL(?:-NIV)?)(?:-?v?(\d+(?:\.\d+)?))?(\+)?$/i;

/** Debian's `<family>-<version>[+]` split into its parts. */
function gnuLicence(name: string): SpdxLicenceNode | null {
  const m = GNU_NAME.exec(name);
  if (!m) return null;
  const family = m[1]!.toUpperCase();
  const niv = family === "GFDL-NIV";
  const base = niv ? "GFDL" : family;
  // A GNU licence without a version means any version (Debian: "GPL" alone).
  let version = m[2] ?? (base === "LGPL" ? "2.0" : base === "GFDL" ? "1.1" : "1.0");
  if (!version.includes(".")) version += ".0";
  const later = m[3] === "+" || m[2] === undefined;
  const id = `${base}-${version}${niv ? "-no-invariants" : ""}-${later ? "or-later" : "only"}`;
  const listed = listedLicence(id);
  return listed ? { kind: "licence", id: listed, plus: false, exception: null } : null;
}

function ref(prefix: "LicenseRef" | "AdditionRef", name: string): string {
  return `${prefix}-Debian-${name.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "")}`;
}

/** The exception a phrase like "OpenSSL exception" or "GCC-exception-3.1" names. */
export function debianExceptionToSpdx(phrase: string): string {
  const listed = listedException(phrase.replace(/\s+/g, "-")) ??
    // "Linux-syscall-note exception": the listed name without Debian's trailing word.
    listedException(phrase.replace(/\s+exception$/i, "").replace(/\s+/g, "-"));
  if (listed) return listed;
  // "Font exception" → Font-exception-2.0: accept a unique listed exception with that stem.
  const stem = phrase.replace(/\s+exception$/i, "").replace(/\s+/g, "-").toLowerCase();
  const matches = listedExceptions().filter((id) =>
    id.toLowerCase().startsWith(`${stem}-exception`)
  );
  return matches.length === 1 ? matches[0]! : ref("AdditionRef", phrase);
}

/** One Debian licence short name (with its `+`) as an SPDX licence node. */
export function debianLicenceToSpdx(
  name: string,
  exception: string | null = null,
): SpdxLicenceNode {
  const exc = exception === null ? null : debianExceptionToSpdx(exception);
  const gnu = gnuLicence(name);
  if (gnu) return { ...gnu, exception: exc };
  const plus = name.endsWith("+");
  const bare = plus ? name.slice(0, -1) : name;
  const alias = ALIASES[bare.toLowerCase()];
  // "Apache-2" for Apache-2.0: SPDX writes whole versions with ".0".
  const listed = listedLicence(alias ?? bare) ??
    (/-\d+$/.test(bare) ? listedLicence(`${bare}.0`) : null);
  if (listed) return { kind: "licence", id: listed, plus, exception: exc };
  if (/^public[-_ ]?domain$/i.test(name)) {
    return { kind: "licence", id: "LicenseRef-Debian-public-domain", plus: false, exception: exc };
  }
  return { kind: "licence", id: ref("LicenseRef", name), plus: false, exception: exc };
}
