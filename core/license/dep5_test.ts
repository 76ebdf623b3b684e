/**
 * Debian's licence data read from files recorded on a Debian 12 machine
 * (tests/fixtures/license/debian12/: an excerpt of /var/lib/dpkg/status, /etc/os-release and
 * the /usr/share/doc/<package>/copyright files of five packages — four DEP-5, one free text),
 * and the DEP-5 expression syntax case by case.
 */
import { fileURLToPath } from "node:url";
import { assertEquals, assertMatch, assertThrows } from "../../tests/_assert.ts";
import { parseControl } from "./control.ts";
import { debianLicenceToSpdx } from "./debian_names.ts";
import { parseDpkgStatus, readDebianInventory } from "./debian_packages.ts";
import { debianExpressionToSpdx, readCopyright } from "./dep5.ts";
import { formatSpdx } from "./spdx.ts";

const ROOT = fileURLToPath(new URL("../../tests/fixtures/license/debian12/", import.meta.url));
const PATHS = {
  statusPath: `${ROOT}status`,
  docDir: `${ROOT}doc`,
  osReleasePath: `${ROOT}os-release`,
};

const spdx = (text: string) => formatSpdx(debianExpressionToSpdx(text));

Deno.test("debian names: Debian's short names as SPDX identifiers", () => {
  const id = (name: string, exc: string | null = null) =>
    formatSpdx(debianLicenceToSpdx(name, exc));
  assertEquals(id("GPL-2+"), "GPL-2.0-or-later");
  assertEquals(id("GPL-2"), "GPL-2.0-only");
  assertEquals(id("GPLv3+"), "GPL-3.0-or-later");
  assertEquals(id("GPL-2.0+"), "GPL-2.0-or-later");
  assertEquals(id("LGPL-2.1+"), "LGPL-2.1-or-later");
  assertEquals(id("LGPL-2.1"), "LGPL-2.1-only");
  assertEquals(id("GPL"), "GPL-1.0-or-later");
  assertEquals(id("GFDL-NIV-1.3"), "GFDL-1.3-no-invariants-only");
  assertEquals(id("Expat"), "MIT");
  assertEquals(id("BSD-3-clause"), "BSD-3-Clause");
  assertEquals(id("Apache-2"), "Apache-2.0");
  assertEquals(id("MPL-1.1+"), "MPL-1.1+");
  assertEquals(id("public-domain"), "LicenseRef-Debian-public-domain");
  assertEquals(id("Public-domain"), "LicenseRef-Debian-public-domain");
  assertEquals(id("OldBoost2"), "LicenseRef-Debian-OldBoost2");
  assertEquals(id("GPL-2+", "Font exception"), "GPL-2.0-or-later WITH Font-exception-2.0");
  assertEquals(id("GPL-2", "Linux-syscall-note exception"), "GPL-2.0-only WITH Linux-syscall-note");
  // Two listed Autoconf exceptions: which one is not guessed.
  assertEquals(
    id("GPL-2+", "Autoconf exception"),
    "GPL-2.0-or-later WITH AdditionRef-Debian-Autoconf-exception",
  );
});

Deno.test("dep5: and binds tighter than or, unless a comma comes first", () => {
  assertEquals(spdx("GPL-1+ or Artistic"), "GPL-1.0-or-later OR Artistic-1.0");
  assertEquals(spdx("GPL-2+ and BSD-3-clause"), "GPL-2.0-or-later AND BSD-3-Clause");
  assertEquals(
    spdx("MPL-1.1 or GPL-2+ and LGPL-2.1+"),
    "MPL-1.1 OR GPL-2.0-or-later AND LGPL-2.1-or-later",
  );
  assertEquals(spdx("GPL-1+ or Artistic, and Expat"), "(GPL-1.0-or-later OR Artistic-1.0) AND MIT");
  assertEquals(
    spdx("GPL-2+ with OpenSSL exception or MIT"),
    "GPL-2.0-or-later WITH AdditionRef-Debian-OpenSSL-exception OR MIT",
  );
  for (
    const [bad, why] of [
      ["BSD (3 clause)", /expected "and" or "or"/],
      ["BSD-(3)", /not a licence short name/],
      ["GPL-2+ or", /ends with "or"/],
      ["MIT, Expat", /must start with "and" or "or"/],
      ["GPL-2+ with", /names no exception/],
      ["MIT Expat", /expected "and" or "or"/],
    ] as const
  ) {
    assertMatch(assertThrows(() => debianExpressionToSpdx(bad), SyntaxError).message, why);
  }
});

Deno.test("dep5: copyright files as recorded — machine-readable ones read, free text said so", async () => {
  const read = async (pkg: string) =>
    readCopyright(await Deno.readTextFile(`${ROOT}doc/${pkg}/copyright`));
  assertEquals(await read("zlib1g"), {
    machineReadable: true,
    declared: ["Zlib"],
    spdx: "Zlib",
    unreadable: [],
  });
  const ssl = await read("libssl3");
  assertEquals(ssl.declared, ["Apache-2.0", "Artistic or GPL-1+"]);
  assertEquals(ssl.spdx, "Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)");
  const bash = await read("bash");
  // "GPL-3+" and "BSD-4-clause-UC and MIT-like" name GPL-3+ and the rest: each licence once.
  assertEquals(
    bash.spdx,
    "GPL-3.0-or-later AND GPL-3.0-or-later WITH AdditionRef-Debian-Bison-exception AND " +
      "GPL-2.0-or-later AND GFDL-1.3-no-invariants-only AND Latex2e AND BSD-4-Clause-UC AND " +
      "LicenseRef-Debian-MIT-like AND LicenseRef-Debian-permissive",
  );
  assertEquals((await read("tzdata")).spdx, "LicenseRef-Debian-public-domain");
  assertEquals(await read("socat"), {
    machineReadable: false,
    declared: [],
    spdx: null,
    unreadable: [],
  });
  // An unreadable License field leaves the package's expression unknown, never partial.
  const odd = readCopyright(
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n" +
      "Files: *\nCopyright: 2020 Someone\nLicense: MIT\n\n" +
      "Files: extra/*\nCopyright: 2021 Else\nLicense: BSD (3 clause)\n",
  );
  assertEquals(odd, {
    machineReadable: true,
    declared: ["MIT", "BSD (3 clause)"],
    spdx: null,
    unreadable: ["BSD (3 clause)"],
  });
});

Deno.test("dpkg: installed packages from the recorded status file; removed ones left out", async () => {
  const installed = parseDpkgStatus(await Deno.readTextFile(PATHS.statusPath));
  assertEquals(installed.map((p) => `${p.name} ${p.version} ${p.architecture}`), [
    "bash 5.2.15-2+b8 amd64",
    "libssl3 3.0.19-1~deb12u2 amd64",
    "sensible-utils 0.0.17+nmu1 all",
    "socat 1.7.4.4-2 amd64",
    "tzdata 2025b-0+deb12u2 all",
    "zlib1g 1:1.2.13.dfsg-1 amd64",
  ]);
  // dpkg keeps removed packages' conffiles: "deinstall ok config-files" is not installed.
  const removed = "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n\n" +
    "Package: half\nStatus: install ok half-configured\nVersion: 2\n";
  assertEquals(parseDpkgStatus(removed), []);
  const p = parseControl("Package: a\nDescription: one\n two\n .\n three\n")[0]!;
  assertEquals(p.get("description"), "one\ntwo\n\nthree");
});

Deno.test("dpkg: the inventory of a recorded system, and of one without dpkg", async () => {
  const inv = await readDebianInventory(PATHS);
  if (!inv.available) throw new Error(inv.reason);
  assertEquals(inv.os, "Debian GNU/Linux 12 (bookworm)");
  const by = Object.fromEntries(inv.packages.map((p) => [p.name, p]));
  assertEquals(by.zlib1g?.licence, "Zlib");
  assertEquals(by.socat?.machine_readable, false);
  assertEquals(by.socat?.has_copyright, true);
  // Recorded without its doc folder, as minimal images strip /usr/share/doc.
  assertEquals(by["sensible-utils"]?.has_copyright, false);
  assertEquals(inv.packages.map((p) => p.name), [...inv.packages.map((p) => p.name)].sort());

  const none = await readDebianInventory({ ...PATHS, statusPath: `${ROOT}no-such-status` });
  assertEquals(none.available, false);
  if (!none.available) assertMatch(none.reason, /no dpkg database at .*not running on a Debian/);
});
