/**
 * The HTTPS listener follows its certificate: when the box gets another address the TLS service
 * issues a new certificate and the listener serves it on the same port (what `openssl s_client`
 * receives is compared with the file), and stop() leaves nothing listening.
 */
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { assert, assertEquals, assertNotEquals } from "../tests/_assert.ts";
import { systemClock } from "../lib/clock.ts";
import { silentLogger } from "../lib/log.ts";
import { TlsService } from "../core/tls/tls_service.ts";
import { startHttps } from "./https_server.ts";

/** The certificate the server at `port` presents, as openssl receives it. */
async function servedCertificate(port: number): Promise<X509Certificate> {
  const out = await new Deno.Command("openssl", {
    args: ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "openskylab.local"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  assert(pem, `no certificate from port ${port}: ${new TextDecoder().decode(out.stderr)}`);
  return new X509Certificate(pem);
}

Deno.test("a new certificate is served on the same port; stop closes it", async () => {
  const root = await Deno.makeTempDir({ prefix: "openskylab-https-" });
  const addresses = ["127.0.0.1"];
  const tls = new TlsService({
    dir: join(root, "tls"),
    clock: systemClock,
    log: silentLogger,
    hostname: () => "box",
    addresses: () => addresses,
  });
  const https = startHttps({
    tls,
    port: 0,
    hostname: "127.0.0.1",
    handler: () => new Response("ok"),
    log: silentLogger,
  });
  try {
    await https.ready;
    const port = https.port;
    assert(port !== null && port > 0);
    assertEquals(tls.status().https_port, port);
    const first = await servedCertificate(port);
    assertEquals(
      first.fingerprint256,
      new X509Certificate(tls.credentials!.certPem).fingerprint256,
    );

    addresses.push("192.168.7.7");
    assertEquals(await tls.check(), true);
    const wanted = new X509Certificate(tls.credentials!.certPem).fingerprint256;
    let served = first;
    for (let i = 0; i < 100 && served.fingerprint256 !== wanted; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (https.port !== null) served = await servedCertificate(port);
    }
    assertNotEquals(served.fingerprint256, first.fingerprint256);
    assertEquals(served.fingerprint256, wanted);
    assert(served.subjectAltName?.includes("192.168.7.7"));
    assertEquals(https.port, port);

    await https.stop();
    assertEquals(https.port, null);
    const refused = await Deno.connect({ hostname: "127.0.0.1", port }).then(
      (conn) => (conn.close(), false),
      () => true,
    );
    assert(refused, "the port still accepts after stop()");
  } finally {
    await https.stop();
    await Deno.remove(root, { recursive: true });
  }
});
