/**
 * The box's CA and server certificate made by the real openssl in a temporary folder, and checked
 * by `openssl verify` as a client would: the server certificate chains to the CA for the box's
 * names, a certificate the same CA signs for a public name or address is refused (the CA's name
 * constraints), a new server certificate comes when the addresses change or the end nears and not
 * otherwise, the keys are private, and no failure of openssl stops anything.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertNotEquals } from "../../tests/_assert.ts";
import { systemClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { opensslRunner } from "./openssl.ts";
import { TlsService, type TlsServiceOptions } from "./tls_service.ts";

async function openssl(args: string[], cwd: string) {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { ok: out.success, text };
}

async function withTls(
  fn: (tls: TlsService, dir: string, addresses: string[]) => Promise<void>,
  options: Partial<TlsServiceOptions> = {},
) {
  const root = await Deno.makeTempDir({ prefix: "openskylab-tls-" });
  const addresses = ["127.0.0.1", "::1", "192.168.1.20"];
  const tls = new TlsService({
    dir: join(root, "tls"),
    clock: systemClock,
    log: silentLogger,
    hostname: () => "openskylab-1a2b",
    addresses: () => addresses,
    ...options,
  });
  try {
    await fn(tls, join(root, "tls"), addresses);
  } finally {
    await tls.stop();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("the server certificate chains to the box's CA for every name of the box", async () => {
  await withTls(async (tls, dir) => {
    assertEquals(await tls.check(), true);
    const status = tls.status();
    assertEquals(status.problem, null);
    assertEquals(status.ca_common_name, "OpenSkyLab openskylab-1a2b local CA");
    assertEquals(status.leaf_names, [
      "localhost",
      "openskylab-1a2b.local",
      "openskylab.local",
      "0:0:0:0:0:0:0:1",
      "10.42.0.1",
      "127.0.0.1",
      "192.168.1.20",
    ]);
    for (
      const check of [
        ["-verify_hostname", "openskylab.local"],
        ["-verify_hostname", "openskylab-1a2b.local"],
        ["-verify_ip", "10.42.0.1"],
        ["-verify_ip", "192.168.1.20"],
        ["-verify_ip", "::1"],
      ]
    ) {
      const out = await openssl(
        ["verify", "-purpose", "sslserver", "-CAfile", "ca.crt", ...check, "server.crt"],
        dir,
      );
      assert(out.ok, `${check.join(" ")}: ${out.text}`);
    }
    // A name the certificate does not carry is refused: the checks above can fail.
    const other = await openssl(
      ["verify", "-CAfile", "ca.crt", "-verify_ip", "192.168.1.21", "server.crt"],
      dir,
    );
    assert(!other.ok, other.text);
    const text = (await openssl(["x509", "-in", "ca.crt", "-noout", "-text"], dir)).text;
    assertMatch(text, /Name Constraints: critical/);
    assertMatch(text, /pathlen:0/);
    const days = (Date.parse(status.leaf_not_after!) - Date.now()) / 86_400_000;
    assert(days > 396 && days <= 397, `server certificate valid ${days} days`);
  });
});

Deno.test("the box's CA cannot vouch for a public name or address, even signed with its key", async () => {
  await withTls(async (tls, dir) => {
    await tls.check();
    const work = await Deno.makeTempDir({ prefix: "openskylab-tls-forge-" });
    try {
      for (const san of ["DNS:example.com", "DNS:openskylab.local, IP:8.8.8.8", "IP:2001:db8::1"]) {
        await Deno.writeTextFile(
          join(work, "forged.ext"),
          `basicConstraints = CA:false\nextendedKeyUsage = serverAuth\nsubjectAltName = ${san}\n`,
        );
        assert(
          (await openssl([
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "forged.key",
            "-subj",
            "/CN=example.com",
            "-out",
            "forged.csr",
          ], work)).ok,
        );
        const signed = await openssl([
          "x509",
          "-req",
          "-in",
          "forged.csr",
          "-CA",
          join(dir, "ca.crt"),
          "-CAkey",
          join(dir, "ca.key"),
          "-set_serial",
          "7",
          "-days",
          "30",
          "-extfile",
          "forged.ext",
          "-out",
          "forged.crt",
        ], work);
        assert(signed.ok, signed.text);
        const out = await openssl(["verify", "-CAfile", join(dir, "ca.crt"), "forged.crt"], work);
        assert(!out.ok, `${san} was accepted: ${out.text}`);
        assertMatch(out.text, /permitted subtree violation/);
      }
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  });
});

Deno.test("keys are private: the folder 0700, the keys 0600", async () => {
  await withTls(async (tls, dir) => {
    await tls.check();
    assertEquals((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assertEquals((await Deno.stat(join(dir, "ca.key"))).mode! & 0o777, 0o600);
    assertEquals((await Deno.stat(join(dir, "server.key"))).mode! & 0o777, 0o600);
    // No staging folder is left behind.
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assertEquals(names.sort(), ["ca.crt", "ca.key", "server.crt", "server.key"]);
  });
});

Deno.test("a new server certificate when the addresses change, not otherwise; the CA stays", async () => {
  await withTls(async (tls, dir, addresses) => {
    const changes: string[] = [];
    tls.onChange((c) => changes.push(c.certPem));
    assertEquals(await tls.check(), true);
    const first = tls.credentials!.certPem;
    const ca = tls.status().ca_fingerprint_sha256;
    // Same addresses (another order, another spelling, a public one the CA could not cover).
    addresses.reverse().push("0:0:0:0:0:0:0:1", "8.8.8.8", "2001:db8::1");
    assertEquals(await tls.check(), false);
    assertEquals(tls.credentials!.certPem, first);
    assertEquals(changes.length, 0);
    // The box joins a home network: a new address.
    addresses.push("10.1.2.3");
    assertEquals(await tls.check(), true);
    assertEquals(changes.length, 1);
    assertNotEquals(changes[0], first);
    assert(tls.status().leaf_names.includes("10.1.2.3"));
    assertEquals(tls.status().ca_fingerprint_sha256, ca);
    const out = await openssl(
      ["verify", "-CAfile", "ca.crt", "-verify_ip", "10.1.2.3", "server.crt"],
      dir,
    );
    assert(out.ok, out.text);
  });
});

Deno.test("a restart keeps the CA and the server certificate; 30 days before the end, a new one", async () => {
  const root = await Deno.makeTempDir({ prefix: "openskylab-tls-" });
  let nowMs = Date.now();
  const make = () =>
    new TlsService({
      dir: join(root, "tls"),
      clock: { now: () => nowMs, sleep: systemClock.sleep },
      log: silentLogger,
      hostname: () => "box",
      addresses: () => ["10.42.0.1"],
    });
  try {
    const a = make();
    assertEquals(await a.check(), true);
    const b = make();
    assertEquals(await b.check(), false);
    assertEquals(b.credentials, a.credentials);
    assertEquals(b.status().ca_fingerprint_sha256, a.status().ca_fingerprint_sha256);
    nowMs += 366 * 86_400_000;
    assertEquals(await b.check(), false);
    nowMs += 2 * 86_400_000;
    assertEquals(await b.check(), true);
    assertNotEquals(b.credentials, a.credentials);
    assertEquals(b.status().ca_fingerprint_sha256, a.status().ca_fingerprint_sha256);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("without openssl, or with a damaged CA: a problem in the status, nothing thrown or overwritten", async () => {
  await withTls(async (tls) => {
    assertEquals(await tls.check(), false);
    assertEquals(tls.credentials, null);
    assertMatch(tls.status().problem!, /not installed/);
  }, { openssl: opensslRunner("/nonexistent/openssl") });

  await withTls(async (tls, dir) => {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "ca.crt"), "not a certificate\n");
    assertEquals(await tls.check(), false);
    assertEquals(tls.credentials, null);
    assertMatch(tls.status().problem!, /delete ca\.crt and ca\.key/);
    assertEquals(await Deno.readTextFile(join(dir, "ca.crt")), "not a certificate\n");
  });
});

Deno.test("a damaged server certificate is simply issued again", async () => {
  await withTls(async (tls, dir) => {
    await tls.check();
    await Deno.writeTextFile(join(dir, "server.crt"), "garbage");
    const again = new TlsService({
      dir,
      clock: systemClock,
      log: silentLogger,
      hostname: () => "openskylab-1a2b",
      addresses: () => ["127.0.0.1", "::1", "192.168.1.20"],
    });
    assertEquals(await again.check(), true);
    const out = await openssl(["verify", "-CAfile", "ca.crt", "server.crt"], dir);
    assert(out.ok, out.text);
  });
});
