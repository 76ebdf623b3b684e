/**
 * The License group through the real app: the summary, notices one component at a time (plain,
 * scoped, URL-encoded, by version), the box's own licence, and the Debian packages read from a
 * recorded Debian 12 system — or said to be unavailable where there is no dpkg.
 */
import { fileURLToPath } from "node:url";
import { systemClock } from "../lib/clock.ts";
import { LogSink } from "../lib/log.ts";
import { EventBus } from "../core/event_bus.ts";
import { LicenseService } from "../core/license/license_service.ts";
import { assert, assertEquals, assertMatch } from "../tests/_assert.ts";
import { API, expect400, expectStatus } from "./_test_app.ts";
import { createApp } from "./app.ts";
import { licenseRoutes } from "./license.ts";
import { WsHub } from "./ws.ts";

const FIXTURE = fileURLToPath(new URL("../tests/fixtures/license/debian12/", import.meta.url));

function licenseApp(license: LicenseService) {
  const log = new LogSink({ consoleLevel: "silent" }).logger("test");
  const ws = new WsHub(new EventBus({ clock: systemClock }), log);
  const app = createApp({
    groups: [{ prefix: "/license", router: licenseRoutes({ license }) }],
    log,
    token: "t",
    trustedNetworks: ["127.0.0.0/8"],
    corsOrigins: [],
    ws,
    version: "test",
  });
  const get = async (path: string) => await app.fetch(new Request(`http://box${API}${path}`));
  const json = async <T = Record<string, unknown>>(path: string): Promise<T> => {
    const res = await get(path);
    const text = await res.text();
    assert(res.ok, `GET ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  return { app, get, json, [Symbol.dispose]: () => ws.close() };
}

const debian12 = () =>
  new LicenseService({
    debian: {
      statusPath: `${FIXTURE}status`,
      docDir: `${FIXTURE}doc`,
      osReleasePath: `${FIXTURE}os-release`,
    },
  });

interface Summary {
  project: { spdx: string | null; reason: string | null };
  counts: Record<string, number>;
  components: {
    name: string;
    version: string;
    use: string;
    licence: string;
    notice_bytes: number;
  }[];
  debian: {
    available: boolean;
    os: string | null;
    package_count: number | null;
    reason: string | null;
  };
}

Deno.test("license: a small summary of every component; the project's licence not yet chosen", async () => {
  using t = licenseApp(debian12());
  const res = await t.get("/license");
  const text = await res.text();
  // The phone loads this on a weak hotspot: no notice texts in it, a few hundred bytes a
  // component (a notice is a kilobyte or more), however many the lockfile pins.
  assert(!text.includes("Permission is hereby granted"), "notice text leaked into the summary");
  const s = JSON.parse(text) as Summary;
  const perComponent = text.length / s.components.length;
  assert(perComponent < 400, `the summary has ${perComponent.toFixed(0)} bytes a component`);
  assertEquals(s.project.spdx, null);
  assertEquals(s.project.reason, "not yet chosen");
  const c = s.counts;
  assertEquals(c.components, s.components.length);
  assertEquals(c.shipped! + c.test! + c.platform! + c.types!, c.components);
  assertEquals(c.unknown_licence, 0);
  const use = (name: string) => s.components.find((x) => x.name === name)?.use;
  assertEquals([use("hono"), use("preact"), use("deno"), use("playwright-core")], [
    "shipped",
    "shipped",
    "shipped",
    "test",
  ]);
  assertEquals(s.debian, {
    available: true,
    os: "Debian GNU/Linux 12 (bookworm)",
    package_count: 6,
    reason: null,
  });
});

Deno.test("license: notices one component at a time — plain, scoped, encoded, by version", async () => {
  using t = licenseApp(debian12());
  type Notice = {
    name: string;
    components: { version: string; licence: string; notices: { file: string; text: string }[] }[];
  };
  const hono = await t.json<Notice>("/license/hono");
  assertEquals(hono.components.length, 1);
  assertEquals(hono.components[0]!.licence, "MIT");
  assertMatch(hono.components[0]!.notices[0]!.text, /Permission is hereby granted/);

  const scoped = await t.json<Notice>("/license/@libsql/hrana-client");
  assertEquals(scoped.name, "@libsql/hrana-client");
  assertEquals(scoped.components.map((c) => c.version).sort(), ["0.10.0", "0.6.2"]);
  const encoded = await t.json<Notice>("/license/%40libsql%2Fhrana-client?version=0.10.0");
  assertEquals(encoded.components.map((c) => c.version), ["0.10.0"]);

  // A native build's notice is its project's (libsql's LICENSE), and says where it came from.
  const addon = await t.json<Notice>("/license/@libsql/linux-arm64-gnu");
  assert(addon.components.every((c) => c.notices[0]!.file.startsWith("libsql@")));

  const deno = await t.json<Notice>("/license/deno");
  assertMatch(deno.components[0]!.notices[0]!.text, /the Deno authors/);

  await expectStatus(await t.get("/license/no-such-package"), 404, "not_found");
  const wrong = await t.get("/license/hono?version=0.0.1");
  assertEquals(wrong.status, 404);
  assertMatch((await wrong.json()).error.message, /versions: 4\./);
  await expect400(await t.get("/license/hono?version="), "query.version");
  await expect400(await t.get("/license/scope/name"), "path.scope");

  const project = await t.json<{ spdx: null; notice: null }>("/license/project");
  assertEquals([project.spdx, project.notice], [null, null]);
});

Deno.test("license: Debian packages of a recorded Debian 12 system, with their copyright files", async () => {
  using t = licenseApp(debian12());
  const list = await t.json<{
    available: boolean;
    packages: { name: string; licence: string | null; machine_readable: boolean }[];
  }>("/license/debian");
  assertEquals(list.available, true);
  assertEquals(list.packages.map((p) => [p.name, p.licence]), [
    ["bash", list.packages[0]!.licence],
    ["libssl3", "Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)"],
    ["sensible-utils", null],
    ["socat", null],
    ["tzdata", "LicenseRef-Debian-public-domain"],
    ["zlib1g", "Zlib"],
  ]);
  const zlib = await t.json<{ copyright: string; packages: unknown[] }>("/license/debian/zlib1g");
  assertMatch(zlib.copyright, /^Format: .*copyright-format\/1\.0/);
  assertEquals(zlib.packages.length, 1);
  const bare = await t.json<{ copyright: null }>("/license/debian/sensible-utils");
  assertEquals(bare.copyright, null);
  await expectStatus(await t.get("/license/debian/not-installed"), 404, "not_found");
  await expect400(await t.get("/license/debian/..%2F..%2Fetc%2Fpasswd"), "path.package");
});

Deno.test("license: without dpkg the Debian part says it is unavailable, and why", async () => {
  using t = licenseApp(
    new LicenseService({
      debian: {
        statusPath: `${FIXTURE}absent/status`,
        docDir: `${FIXTURE}doc`,
        osReleasePath: `${FIXTURE}os-release`,
      },
    }),
  );
  const s = await t.json<Summary & { debian: { reason: string } }>("/license");
  assertEquals(s.debian.available, false);
  assertMatch(s.debian.reason, /no dpkg database .* not running on a Debian-based system/);
  const list = await t.json<{ available: boolean; reason: string; packages: unknown[] }>(
    "/license/debian",
  );
  assertEquals([list.available, list.packages.length], [false, 0]);
  await expectStatus(await t.get("/license/debian/bash"), 404, "not_found");
});

Deno.test("license: a broken inventory is a loud error, not an empty list", async () => {
  const service = new LicenseService({ inventory: () => Promise.resolve({ format: 1 }) });
  let message = "";
  await service.summary().catch((err) => message = String(err));
  assertMatch(message, /not a licence inventory .*run deno task licenses/);
});

Deno.test("license: the OpenAPI document lists the group", async () => {
  using t = licenseApp(debian12());
  const doc = await t.json<{ paths: Record<string, unknown> }>("/openapi.json");
  for (
    const path of [
      "/license",
      "/license/project",
      "/license/debian",
      "/license/debian/{package}",
      "/license/{name}",
      "/license/{scope}/{name}",
    ]
  ) {
    assert(doc.paths[`${API}${path}`], `${path} is not in the OpenAPI document`);
  }
});
