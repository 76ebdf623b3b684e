/**
 * HTTPS end to end: a box with `server.https_port` makes its CA and server certificate with the
 * real openssl, serves the same app over TLS, and a client that trusts the CA (and only such a
 * client) gets through; the CA certificate a phone downloads over plain HTTP is the one on disk;
 * the token rule reads the client's address over TLS as over HTTP; a taken port is not fatal.
 */
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";
import { withServer } from "./_server.ts";

Deno.test("HTTPS with the box's CA: trusted client through, untrusted refused, CA downloadable", async () => {
  const httpsPort = freePort();
  await withServer(async (t) => {
    await t.server.httpsReady;
    assertEquals(t.server.httpsPort, httpsPort);
    const caPem = await Deno.readTextFile(join(t.dataDir, "tls", "ca.crt"));

    const download = await fetch(`${t.server.url}/tls/ca.crt`);
    assertEquals(download.status, 200);
    assertEquals(download.headers.get("content-type"), "application/x-x509-ca-cert");
    assertMatch(download.headers.get("content-disposition")!, /filename="openskylab-ca\.crt"/);
    assertEquals(await download.text(), caPem);

    const status = await (await fetch(`${t.server.url}/tls/status`)).json();
    assertEquals(status.https_port, httpsPort);
    assertEquals(status.problem, null);
    // The fingerprint a user compares on the phone is the certificate's own SHA-256.
    const der = new X509Certificate(caPem).raw;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(der)));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0").toUpperCase());
    assertEquals(status.ca_fingerprint_sha256, hex.join(":"));
    assert(status.leaf_names.includes("127.0.0.1"), JSON.stringify(status.leaf_names));

    const trusting = Deno.createHttpClient({ caCerts: [caPem] });
    try {
      const health = await fetch(`https://127.0.0.1:${httpsPort}/api/v1/health`, {
        client: trusting,
      });
      assertEquals(health.status, 200);
      assertEquals((await health.json()).status, "ok");
      // A loopback client over TLS is local, as over HTTP: no token for the API.
      const mount = await fetch(`https://127.0.0.1:${httpsPort}/api/v1/mount/status`, {
        client: trusting,
      });
      assertEquals(mount.status, 200);
      await mount.body?.cancel();
      const app = await fetch(`https://127.0.0.1:${httpsPort}/`, { client: trusting });
      assertEquals(app.status, 200);
      assertMatch(await app.text(), /<html/i);
    } finally {
      trusting.close();
    }

    const untrusting = Deno.createHttpClient({});
    try {
      const refused = await fetch(`https://127.0.0.1:${httpsPort}/api/v1/health`, {
        client: untrusting,
      }).then(
        (res) => `answered ${res.status}`,
        (err) => `${err} (${(err as Error).cause})`,
      );
      assertMatch(refused, /certificate|UnknownIssuer/i);
    } finally {
      untrusting.close();
    }
  }, { configToml: `[server]\nhttps_port = ${httpsPort}\n` });
});

Deno.test("over HTTPS, a client outside the trusted networks needs the token", async () => {
  const httpsPort = freePort();
  await withServer(async (t) => {
    await t.server.httpsReady;
    const caPem = await Deno.readTextFile(join(t.dataDir, "tls", "ca.crt"));
    const client = Deno.createHttpClient({ caCerts: [caPem] });
    try {
      const url = `https://127.0.0.1:${httpsPort}/api/v1/mount/status`;
      const without = await fetch(url, { client });
      assertEquals(without.status, 401);
      assertMatch((await without.json()).error.message, /from 127\.0\.0\.1/);
      const withToken = await fetch(url, {
        client,
        headers: { authorization: `Bearer ${t.token}` },
      });
      assertEquals(withToken.status, 200);
      await withToken.body?.cancel();
      // The CA certificate stays public: a phone fetches it before it has any token.
      const ca = await fetch(`https://127.0.0.1:${httpsPort}/tls/ca.crt`, { client });
      assertEquals(await ca.text(), caPem);
    } finally {
      client.close();
    }
  }, {
    configToml: `[server]\nhttps_port = ${httpsPort}\n`,
    trustedNetworks: ["10.42.0.0/24"],
  });
});

Deno.test("a taken HTTPS port is logged, and the box serves on over HTTP", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    await withServer(async (t) => {
      await t.server.httpsReady;
      assertEquals(t.server.httpsPort, null);
      const status = await (await fetch(`${t.server.url}/tls/status`)).json();
      assertEquals(status.https_port, null);
      assertEquals(await t.status("GET", "/health"), 200);
    }, { configToml: `[server]\nhttps_port = ${port}\n` });
  } finally {
    taken.close();
  }
});

Deno.test("without server.https_port: no CA is made and the status says HTTPS is off", async () => {
  await withServer(async (t) => {
    await t.server.httpsReady;
    const status = await (await fetch(`${t.server.url}/tls/status`)).json();
    assertEquals(status.https_port, null);
    assertMatch(status.problem, /https_port is not set/);
    const ca = await fetch(`${t.server.url}/tls/ca.crt`);
    assertEquals(ca.status, 503);
    await ca.body?.cancel();
    const made = await Deno.stat(join(t.dataDir, "tls")).then(() => true, () => false);
    assertEquals(made, false);
  });
});
