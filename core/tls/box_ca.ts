/**
 * The box's own certificate authority: an EC P-256 key and a self-signed certificate for ten
 * years, made once at the first start and kept under `<data dir>/tls/`. Phones install this
 * certificate once; every server certificate the box issues later chains to it. It may sign only
 * end-entity certificates (pathlen 0) for the names in names.ts (critical name constraints).
 * It is never replaced on its own: a CA that is present but unusable (unreadable, not a CA, key
 * and certificate not matching) is reported, and the user deletes it to get a new one, since
 * every phone must then trust the new one.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { CA_CERT, CA_KEY, installPair, readIfPresent, withStaging } from "./_files.ts";
import { opensslIpConstraint, PERMITTED_DNS, PERMITTED_NETWORKS } from "./names.ts";
import type { OpensslRunner } from "./openssl.ts";

const CA_DAYS = 3650;

export interface BoxCa {
  certPem: string;
  cert: X509Certificate;
  certPath: string;
  keyPath: string;
}

/** The CA exists but cannot be used; the message says how to replace it. */
export class UnusableCaError extends Error {
  constructor(dir: string, why: string) {
    super(
      `the box's certificate authority in ${dir} is unusable (${why}); delete ${CA_CERT} and ` +
        `${CA_KEY} there and restart to make a new one (phones must then install it again)`,
    );
    this.name = "UnusableCaError";
  }
}

/** Loads the CA from `dir`, making it first when there is no CA certificate yet. */
export async function ensureCa(
  dir: string,
  commonName: string,
  openssl: OpensslRunner,
): Promise<{ ca: BoxCa; created: boolean }> {
  const certPath = join(dir, CA_CERT);
  let created = false;
  // The certificate is installed last: without it any key left here is an unfinished CA.
  if (await readIfPresent(certPath) === null) {
    await withStaging(dir, async (staging) => {
      await Deno.writeTextFile(join(staging, "ca.cnf"), caConfig(commonName));
      await openssl(
        ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", CA_KEY],
        staging,
      );
      await openssl([
        "req",
        "-new",
        "-x509",
        "-config",
        "ca.cnf",
        "-key",
        CA_KEY,
        "-days",
        String(CA_DAYS),
        "-sha256",
        "-set_serial",
        randomSerial(),
        "-out",
        CA_CERT,
      ], staging);
      await installPair(staging, dir, CA_KEY, CA_CERT);
    });
    created = true;
  }
  return { ca: await loadCa(dir), created };
}

async function loadCa(dir: string): Promise<BoxCa> {
  const certPath = join(dir, CA_CERT);
  const keyPath = join(dir, CA_KEY);
  const certPem = await readIfPresent(certPath);
  const keyPem = await readIfPresent(keyPath);
  if (certPem === null) throw new UnusableCaError(dir, `${CA_CERT} is missing`);
  if (keyPem === null) throw new UnusableCaError(dir, `${CA_KEY} is missing`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new UnusableCaError(dir, `${CA_CERT} is not a certificate: ${String(err)}`);
  }
  if (!cert.ca) throw new UnusableCaError(dir, `${CA_CERT} is not a CA certificate`);
  let matches = false;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (err) {
    throw new UnusableCaError(dir, `${CA_KEY} is not a private key: ${String(err)}`);
  }
  if (!matches) throw new UnusableCaError(dir, `${CA_KEY} is not the key of ${CA_CERT}`);
  return { certPem, cert, certPath, keyPath };
}

function caConfig(commonName: string): string {
  const constraints = [
    ...PERMITTED_DNS.map((name) => `permitted;DNS:${name}`),
    ...PERMITTED_NETWORKS.map((cidr) => `permitted;${opensslIpConstraint(cidr)}`),
  ];
  return [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "utf8 = yes",
    "x509_extensions = v3_ca",
    "[dn]",
    `CN = ${commonName.replace(/[\\"\n]/g, "")}`,
    "O = OpenSkyLab",
    "[v3_ca]",
    "basicConstraints = critical, CA:true, pathlen:0",
    "keyUsage = critical, keyCertSign, cRLSign",
    "subjectKeyIdentifier = hash",
    `nameConstraints = critical, ${constraints.join(", ")}`,
    "",
  ].join("\n");
}

/** A positive 128-bit serial in hex, as openssl's -set_serial takes it. */
export function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return "0x" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
