/**
 * The licence generator's parts: declared npm licences to SPDX, notice files and README licence
 * sections found in a package folder built here, types-only packages, repositories compared,
 * native builds matched to the release platforms, and the app's module graph of this repository
 * (main.ts and the workers it starts by URL, packages read through import.meta.resolve).
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { REPO_DIR } from "../../tools/licenses.ts";
import { normalizeRepository, releasePlatforms } from "../../tools/licenses/generate.ts";
import { type LockPackage, splitPackageId } from "../../tools/licenses/lockfile.ts";
import { appGraph, mapImport, npmTarget } from "../../tools/licenses/module_graph.ts";
import { npmLicence } from "../../tools/licenses/npm_licence.ts";
import {
  readInstalledPackage,
  readmeLicenceName,
  readmeLicenceSection,
} from "../../tools/licenses/package_files.ts";

Deno.test("npm licence: SPDX expressions kept, legacy forms read, the rest unknown with the reason", () => {
  const expr = (json: Record<string, unknown>) => npmLicence(json).expression;
  assertEquals(expr({ license: "MIT" }), "MIT");
  assertEquals(expr({ license: "mit" }), "MIT");
  assertEquals(expr({ license: "(MIT OR Apache-2.0)" }), "MIT OR Apache-2.0");
  assertEquals(expr({ license: "(MIT AND Zlib)" }), "MIT AND Zlib");
  assertEquals(
    expr({ license: "Apache-2.0 WITH LLVM-exception" }),
    "Apache-2.0 WITH LLVM-exception",
  );
  assertEquals(expr({ license: { type: "BSD-3-Clause", url: "x" } }), "BSD-3-Clause");
  assertEquals(
    expr({ licenses: [{ type: "MIT" }, { type: "Apache-2.0" }] }),
    "MIT OR Apache-2.0",
  );
  assertEquals(expr({ license: "LicenseRef-Proprietary-Thing" }), "LicenseRef-Proprietary-Thing");
  const problem = (json: Record<string, unknown>) => npmLicence(json).problem;
  assertEquals(problem({}), "package.json declares no licence");
  assertEquals(problem({ license: "UNLICENSED" }), "UNLICENSED: no rights are granted");
  assert(problem({ license: "SEE LICENSE IN LICENSE.md" })!.includes("read the file"));
  assertEquals(problem({ license: "MIT-like" }), "not on the SPDX licence list: MIT-like");
  assertEquals(
    problem({ license: "Apache 2.0" }),
    `not an SPDX expression: "Apache 2.0" has "2.0" after a complete expression`,
  );
  assertEquals(npmLicence({ license: "Apache 2.0" }).declared, "Apache 2.0");
});

Deno.test("README licence sections: a licence text is a notice, a bare name is not", () => {
  const mit =
    "Copyright (c) 2014 Someone <a@b.c>\n\nPermission is hereby granted, free of charge, " +
    "to any person obtaining a copy of this software.";
  assertEquals(
    readmeLicenceSection(`# pkg\n\nUse it.\n\n## License\n\n${mit}\n\n## Other\n\nx`),
    `${mit}\n`,
  );
  assertEquals(
    readmeLicenceSection(`pkg\n===\n\nLicense\n-------\n\n(The MIT License)\n\n${mit}\n`),
    `(The MIT License)\n\n${mit}\n`,
  );
  assertEquals(readmeLicenceSection("# pkg\n\n## License\n\nMIT\n"), null);
  // Sub-headings stay inside the section; the next heading of its level ends it.
  const section = readmeLicenceSection(
    `## Copyright and Licensing\n\n### SPDX\n\n${mit}\n\n### This Package\n\nmechanical\n\n## Usage\n\nno`,
  );
  assertEquals(section, `### SPDX\n\n${mit}\n\n### This Package\n\nmechanical\n`);
  // A bare name is what a package without a package.json licence says it is under.
  assertEquals(readmeLicenceName("# pkg\n\n## License\n\n  MIT\n\n## Other\n"), "MIT");
  assertEquals(readmeLicenceName(`## License\n\n${mit}\n`), null);
  assertEquals(readmeLicenceName("## License\n\n[![License][img]][url]\n\n## Usage\n"), null);
});

Deno.test("package folders: notice files at the root, the README as a fallback, types-only packages", async () => {
  const dir = await Deno.makeTempDir({ prefix: "licences-" });
  try {
    const pkg = async (name: string, files: Record<string, string>) => {
      const at = join(dir, name);
      for (const [path, text] of Object.entries(files)) {
        await Deno.mkdir(join(at, path, ".."), { recursive: true });
        await Deno.writeTextFile(join(at, path), text);
      }
      return (await readInstalledPackage(at))!;
    };
    const a = await pkg("a", {
      "package.json": '{"license":"Apache-2.0"}',
      "LICENSE": "apache",
      "NOTICE.md": "notice",
      "LICENSE-3RD-PARTY.txt": "third",
      "licenses/extra.txt": "not at the root",
      "README.md":
        "## License\n\nCopyright 2020 A, Permission is hereby granted … and more text than that",
      "index.js": "",
    });
    assertEquals(a.notices.map((n) => n.file), ["LICENSE", "LICENSE-3RD-PARTY.txt", "NOTICE.md"]);
    assertEquals(a.typesOnly, false);
    const b = await pkg("b", {
      "package.json": '{"license":"MIT"}',
      "README.md":
        "# b\n\n## License\n\n(The MIT License)\n\nCopyright (c) 2014 B. Permission is hereby granted, free of charge, to any person obtaining a copy.\n",
      "index.js": "",
    });
    assertEquals(b.notices.map((n) => n.file), ["README.md (licence section)"]);
    const types = await pkg("types", {
      "package.json": '{"license":"MIT"}',
      "LICENSE": "mit",
      "index.d.ts": "",
      "sub/more.d.mts": "",
      "README.md": "",
    });
    assertEquals(types.typesOnly, true);
    const named = await pkg("named", {
      "package.json": "{}",
      "Readme.md": "# named\n\n## License\n\n  MIT\n",
      "index.js": "",
    });
    assertEquals([named.notices, named.readmeLicence], [[], "MIT"]);
    assertEquals(a.readmeLicence, undefined, "package.json's licence comes first");
    const data = await pkg("data", { "package.json": '{"license":"CC0-1.0"}', "index.json": "[]" });
    assertEquals([data.typesOnly, data.notices], [false, []]);
    assertEquals(await readInstalledPackage(join(dir, "absent")), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("repositories and platforms: siblings compared by repository, native builds by release", () => {
  const same = [
    "git+https://github.com/tursodatabase/libsql-js.git",
    { type: "git", url: "git+https://github.com/tursodatabase/libsql-js.git" },
    "github:tursodatabase/libsql-js",
    "tursodatabase/libsql-js",
    "git://github.com/tursodatabase/libsql-js.git",
    "git@github.com:tursodatabase/libsql-js.git",
  ];
  for (const r of same) {
    assertEquals(
      normalizeRepository(r),
      "https://github.com/tursodatabase/libsql-js",
      JSON.stringify(r),
    );
  }
  assertEquals(normalizeRepository(undefined), null);

  const lock = (
    id: string,
    os: string[] | null = null,
    cpu: string[] | null = null,
  ): LockPackage => ({
    id,
    ...splitPackageId(id),
    integrity: null,
    os,
    cpu,
  });
  assertEquals(releasePlatforms({}, lock("hono@4.13.19")), null);
  assertEquals(
    releasePlatforms({ os: ["linux"], cpu: ["arm64"], libc: ["glibc"] }, lock("x@1")),
    ["linux-arm64-glibc"],
  );
  // libsql's musl builds say their C library only in Neon's metadata.
  assertEquals(
    releasePlatforms({ os: ["linux"], cpu: ["x64"], neon: { abi: "musl" } }, lock("m@1")),
    [],
  );
  assertEquals(releasePlatforms({}, lock("d@1", ["darwin"], ["arm64"])), []);
  assertEquals(releasePlatforms({ os: ["!win32"] }, lock("n@1")), [
    "linux-x64-glibc",
    "linux-arm64-glibc",
  ]);
  assertEquals(splitPackageId("@hono/zod-openapi@1.6.3_hono@4.13.19_zod@4.6.7"), {
    name: "@hono/zod-openapi",
    version: "1.6.3",
  });
});

Deno.test("module graph: main.ts with its workers; test-only packages never reached", async () => {
  const read = async (path: string) => JSON.parse(await Deno.readTextFile(join(REPO_DIR, path)));
  const config = await read("deno.json");
  assertEquals(
    mapImport(config.imports, "swagger-ui-dist/package.json"),
    "npm:/swagger-ui-dist@5.35.0/package.json",
  );
  assertEquals(npmTarget("npm:/@hono/zod-openapi@1.6.3/x"), {
    name: "@hono/zod-openapi",
    range: "1.6.3",
  });
  const graph = await appGraph({
    deno: Deno.execPath(),
    repoDir: REPO_DIR,
    lock: await read("deno.lock"),
    imports: config.imports,
  });
  assert(graph.roots.includes("core/imaging/worker.ts"), graph.roots.join(", "));
  assert(graph.roots.includes("lib/star_catalog/build_worker.ts"), graph.roots.join(", "));
  const direct = graph.direct.map((id) => splitPackageId(id).name);
  for (const name of ["hono", "zod", "@libsql/client", "swagger-ui-dist", "jpeg-js"]) {
    assert(direct.includes(name), `${name} should be imported by the app: ${direct.join(", ")}`);
  }
  const all = [...graph.packages].map((id) => splitPackageId(id).name);
  for (const name of ["playwright-core", "axe-core", "preact"]) {
    assert(!all.includes(name), `${name} is not part of the server app`);
  }
  assert(all.includes("libsql") && all.includes("@libsql/linux-arm64-gnu"), "libsql's addons");
});
