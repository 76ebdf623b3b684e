/**
 * The ASCOM Alpaca bridge managed through the API, over real sockets. "Untrusted" clients are
 * real too: the box trusts only 127.0.0.1/32 here, and the test's Alpaca client and discovery
 * probe bind 127.0.0.2 (loopback as well, but outside that network) as their source address.
 * Closed to the LAN, such a client gets 403 and discovery stays silent; opened, it is served;
 * with credentials it gets 401 with a Basic challenge until it sends them. The server is switched
 * off and on without a restart, shows only the chosen devices, refuses bad settings with a 400
 * naming the field, keeps its settings across a restart, lists the remote Alpaca devices the rig
 * drives, and leaves everything unchanged when its port is taken.
 */
import dgram from "node:dgram";
import http from "node:http";
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { startAlpacaRig } from "../../routes/alpaca/_test_rig.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { withServer } from "./_server.ts";

const TRUSTED = "127.0.0.1";
const OUTSIDER = "127.0.0.2";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** An HTTP GET from a chosen source address, as an Alpaca client on another machine would. */
function getFrom(localAddress: string, port: number, path: string, auth?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: TRUSTED,
      port,
      path,
      localAddress,
      headers: auth ? { authorization: `Basic ${btoa(auth)}` } : {},
      agent: false,
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => text += d);
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A UDP socket bound to `localAddress` that keeps what it receives. */
async function udpFrom(localAddress: string) {
  const socket = dgram.createSocket("udp4");
  const answers: string[] = [];
  await new Promise<void>((resolve) => socket.bind(0, localAddress, () => resolve()));
  socket.on("message", (m) => answers.push(m.toString("utf8")));
  return {
    answers,
    probe: (port: number) =>
      new Promise<void>((resolve, reject) =>
        socket.send("alpacadiscovery1", port, TRUSTED, (err) => err ? reject(err) : resolve())
      ),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * Sends `alpacadiscovery1` from `localAddress`: the first answer, or null after `timeoutMs` (long
 * by default: a loaded machine answers late, never wrongly).
 */
async function probeFrom(
  localAddress: string,
  port: number,
  timeoutMs = 15_000,
): Promise<string | null> {
  const udp = await udpFrom(localAddress);
  try {
    await udp.probe(port);
    const deadline = Date.now() + timeoutMs;
    while (udp.answers.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return udp.answers[0] ?? null;
  } finally {
    await udp.close();
  }
}

/**
 * Whether discovery stays silent to `localAddress`. The responder reads its one socket in order,
 * so once a trusted probe sent after the outsider's is answered, the outsider's was handled: a
 * short grace after that covers the two answers' delivery, with no guess at the machine's speed.
 */
async function silentTo(localAddress: string, port: number): Promise<boolean> {
  const outsider = await udpFrom(localAddress);
  try {
    await outsider.probe(port);
    assert((await probeFrom(TRUSTED, port)) !== null, "the trusted witness probe was answered");
    await new Promise((r) => setTimeout(r, 200));
    return outsider.answers.length === 0;
  } finally {
    await outsider.close();
  }
}

type Status = {
  enabled: boolean;
  listening: boolean;
  port: number | null;
  discovery_port: number | null;
  access: string;
  credentials: { username: string } | null;
  roles: { role: string; exposed: boolean; assigned: boolean }[];
  last_refused: { address: string; status: number; reason: string } | null;
  error: string | null;
  remote_devices: {
    role: string;
    host: string;
    port: number;
    device_number: number;
    state: string;
    name: string | null;
    last_error: string | null;
  }[];
};

Deno.test("alpaca bridge: trusted only by default; opened to the LAN; Basic credentials", async () => {
  await withServer(async (t) => {
    const events = await t.events("alpaca.changed");
    let status = await t.json<Status>("GET", "/alpaca");
    assertEquals([status.enabled, status.listening, status.access], [true, true, "trusted"]);
    assertEquals(status.credentials, null);
    assert(status.roles.every((r) => r.exposed), "every device exposed by default");
    assert(status.roles.find((r) => r.role === "mount")!.assigned);
    assertEquals(status.remote_devices, []);
    const port = status.port!;
    const udp = status.discovery_port!;

    // Closed to the LAN: the box's own networks are served, an outsider is refused and unseen.
    assertEquals((await getFrom(TRUSTED, port, "/management/apiversions")).status, 200);
    const refused = await getFrom(OUTSIDER, port, "/management/apiversions");
    assertEquals(refused.status, 403);
    assertMatch(refused.headers["content-type"]!, /^text\/plain/);
    assertMatch(refused.text, /127\.0\.0\.2 is outside them/);
    assertEquals(JSON.parse((await probeFrom(TRUSTED, udp))!), { AlpacaPort: port });
    assert(await silentTo(OUTSIDER, udp), "discovery is silent to an outsider");
    status = await t.json<Status>("GET", "/alpaca");
    assertEquals([status.last_refused?.address, status.last_refused?.status], [OUTSIDER, 403]);

    // Opened to the LAN: served, and discovery answers.
    status = await t.json<Status>("PUT", "/alpaca", { access: "lan" });
    assertEquals(status.access, "lan");
    await events.waitFor("alpaca.changed", (d) => d.access === "lan");
    assertEquals((await getFrom(OUTSIDER, port, "/management/apiversions")).status, 200);
    assert((await probeFrom(OUTSIDER, udp)) !== null, "discovery answers an outsider");

    // With credentials: a challenge until the right ones come; the box's own networks are free.
    status = await t.json<Status>("PUT", "/alpaca", {
      credentials: { username: "nina", password: "dark-skies-42" },
    });
    assertEquals(status.credentials, { username: "nina" });
    assert(!JSON.stringify(status).includes("dark-skies-42"), "the password is never shown");
    const challenged = await getFrom(OUTSIDER, port, "/management/v1/configureddevices");
    assertEquals(challenged.status, 401);
    assertEquals(
      challenged.headers["www-authenticate"],
      'Basic realm="OpenSkyLab Alpaca", charset="UTF-8"',
    );
    assertEquals(
      (await getFrom(OUTSIDER, port, "/api/v1/telescope/0/name", "nina:wrong-password"))
        .status,
      401,
    );
    await new Promise((r) => setTimeout(r, 1100)); // a failed address waits a second
    const served = await getFrom(OUTSIDER, port, "/api/v1/telescope/0/name", "nina:dark-skies-42");
    assertEquals(served.status, 200);
    assertEquals(JSON.parse(served.text).ErrorNumber, 0);
    assertEquals((await getFrom(TRUSTED, port, "/api/v1/telescope/0/name")).status, 200);
    // Discovery tells an outsider the port; the credentials still guard it.
    assert((await probeFrom(OUTSIDER, udp)) !== null, "discovery answers an outsider");

    // Removing the credentials and closing it again.
    status = await t.json<Status>("PUT", "/alpaca", { credentials: null, access: "trusted" });
    assertEquals(status.credentials, null);
    assertEquals((await getFrom(OUTSIDER, port, "/management/apiversions")).status, 403);
  }, { trustedNetworks: ["127.0.0.1/32"], alpacaDiscoveryPort: 0 });
});

Deno.test("alpaca bridge: off and on without a restart; only the chosen devices; 400s", async () => {
  await withServer(async (t) => {
    let status = await t.json<Status>("PUT", "/alpaca", { roles: ["camera", "focuser"] });
    const devices = JSON.parse(
      (await getFrom(TRUSTED, status.port!, "/management/v1/configureddevices")).text,
    ).Value.map((d: { DeviceType: string }) => d.DeviceType);
    assertEquals(devices, ["Camera", "Focuser"]);
    assertEquals((await getFrom(TRUSTED, status.port!, "/api/v1/telescope/0/name")).status, 400);

    const port = status.port!;
    const udp = status.discovery_port!;
    assert((await probeFrom(TRUSTED, udp)) !== null, "discovery answers");
    status = await t.json<Status>("PUT", "/alpaca", { enabled: false });
    assertEquals([status.enabled, status.listening, status.port], [false, false, null]);
    const closed = await getFrom(TRUSTED, port, "/management/apiversions").then(
      () => "answered",
      (err) => String(err),
    );
    assertMatch(closed, /ECONNREFUSED|refused/i);
    assertEquals(status.discovery_port, null);
    // Nothing listens on the discovery port any more: no answer can come late.
    assertEquals(await probeFrom(TRUSTED, udp, 1000), null);
    assertEquals(t.server.alpacaPort, null);

    status = await t.json<Status>("PUT", "/alpaca", { enabled: true });
    assertEquals(status.listening, true);
    assertEquals((await getFrom(TRUSTED, status.port!, "/management/apiversions")).status, 200);
    assertEquals(t.server.alpacaPort, status.port);

    for (
      const [body, field] of [
        [{ access: "everyone" }, "body.access"],
        [{ roles: ["guider"] }, "body.roles.0"],
        [{ roles: ["camera", "camera"] }, "body.roles"],
        [
          { credentials: { username: "a:b", password: "long enough" } },
          "body.credentials.username",
        ],
        [{ credentials: { username: "nina", password: "short" } }, "body.credentials.password"],
        [{ enabled: "yes" }, "body.enabled"],
        [{ port: 1234 }, "body"],
      ] as const
    ) {
      const res = await t.api("PUT", "/alpaca", body);
      const answer = await res.json();
      assertEquals(res.status, 400, JSON.stringify(body));
      assertEquals(answer.error.details.issues[0].field, field, JSON.stringify(answer));
    }
    const doc = await t.json<{ paths: Record<string, Record<string, unknown>> }>(
      "GET",
      "/openapi.json",
    );
    assert("put" in doc.paths["/api/v1/alpaca"]!, "PUT /alpaca in the OpenAPI document");
  }, { alpacaDiscoveryPort: 0 });
});

Deno.test("alpaca bridge: lists the remote Alpaca devices the rig drives, with their state", async () => {
  const remote = await startAlpacaRig({ kinds: ["mount"] });
  try {
    await withServer(async (t) => {
      const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
        "GET",
        "/profiles/active",
      );
      await t.json("PUT", `/profiles/${active.id}`, {
        ...active,
        devices: {
          ...active.devices,
          mount: {
            driver: "alpaca",
            options: { host: "127.0.0.1", port: remote.server.port, deviceNumber: 0 },
          },
        },
      });
      const deadline = Date.now() + 10_000;
      let status = await t.json<Status>("GET", "/alpaca");
      while (status.remote_devices[0]?.state !== "connected" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        status = await t.json<Status>("GET", "/alpaca");
      }
      assertEquals(
        status.remote_devices,
        [{
          role: "mount",
          host: "127.0.0.1",
          port: remote.server.port,
          device_number: 0,
          state: "connected",
          name: status.remote_devices[0]!.name,
          last_error: null,
        }] as unknown as Status["remote_devices"],
      );
    });
  } finally {
    await remote.close();
  }
});

Deno.test("alpaca bridge: settings survive a restart; a taken port changes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "alpaca-bridge-" });
  const configPath = join(dir, "config.toml");
  const logs = new LogSink({ consoleLevel: "silent" });
  const blocker = Deno.listen({ hostname: TRUSTED, port: 0 });
  const busyPort = (blocker.addr as Deno.NetAddr).port;
  const run = async (alpacaPort: number) => {
    const config = await loadConfig(configPath, logs.logger("config"));
    config.server.trusted_networks = ["127.0.0.1/32"];
    return await startServer({
      config,
      port: 0,
      hostname: TRUSTED,
      dataDir: join(dir, "data"),
      logs,
      alpacaPort,
      alpacaDiscoveryPort: null,
    });
  };
  const api = async (url: string, method: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1/alpaca`, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json() };
  };
  try {
    const first = await run(0);
    try {
      const set = await api(first.url, "PUT", {
        access: "lan",
        roles: ["mount", "camera"],
        credentials: { username: "sgp", password: "a long passphrase" },
      });
      assertEquals(set.status, 200);
    } finally {
      await first.shutdown();
    }
    // The same settings after a restart — on a port that another program holds now.
    const second = await run(busyPort);
    try {
      let status = (await api(second.url, "GET")).json as Status;
      assertEquals(status.access, "lan");
      assertEquals(status.credentials, { username: "sgp" });
      assertEquals(status.roles.filter((r) => r.exposed).map((r) => r.role), ["mount", "camera"]);
      assertEquals([status.enabled, status.listening], [true, false]);
      assertMatch(status.error!, /in use|address/i);

      const off = await api(second.url, "PUT", { enabled: false });
      assertEquals(off.status, 200);
      const busy = await api(second.url, "PUT", { enabled: true, access: "trusted" });
      assertEquals(busy.status, 409);
      assertMatch(busy.json.error.message, /nothing was changed/);
      status = (await api(second.url, "GET")).json as Status;
      assertEquals([status.enabled, status.access], [false, "lan"]);
    } finally {
      await second.shutdown();
    }
    blocker.close();
    // Port free: enabling works, and the stored password is the one set before the restarts.
    const third = await run(busyPort);
    try {
      const on = await api(third.url, "PUT", { enabled: true });
      assertEquals([on.status, on.json.listening, on.json.port], [200, true, busyPort]);
      assertEquals(
        (await getFrom(OUTSIDER, busyPort, "/management/apiversions", "sgp:a long passphrase"))
          .status,
        200,
      );
      assertEquals((await getFrom(OUTSIDER, busyPort, "/management/apiversions")).status, 401);
    } finally {
      await third.shutdown();
    }
  } finally {
    try {
      blocker.close();
    } catch { /* closed above */ }
    await Deno.remove(dir, { recursive: true });
  }
});
