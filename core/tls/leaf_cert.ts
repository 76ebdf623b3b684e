/**
 * The box's server certificate: an EC P-256 key and a certificate signed by the box's CA for
 * the names names.ts lists, valid 397 days (within what browsers accept for a server
 * certificate), for server authentication only. It is cheap to make, so it is simply made again
 * whenever it no longer fits: another set of addresses (the box joined a home network), less
 * than 30 days left, signed by another CA, or a damaged file.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { canonicalAddress } from "../../lib/net/cidr.ts";
import { type BoxCa, randomSerial } from "./box_ca.ts";
import { installPair, LEAF_CERT, LEAF_KEY, readIfPresent, withStaging } from "./_files.ts";
import { BOX_MDNS_NAME, type LeafNames, sameNames } from "./names.ts";
import type { OpensslRunner } from "./openssl.ts";

export const LEAF_DAYS = 397;
export const RENEW_BEFORE_MS = 30 * 86_400_000;

export interface Leaf {
  certPem: string;
  keyPem: string;
  names: LeafNames;
  notAfterMs: number;
}

/** The server certificate in `dir` if it is whole, matches its key and was signed by `ca`. */
export async function loadLeaf(dir: string, ca: BoxCa): Promise<Leaf | null> {
  const certPem = await readIfPresent(join(dir, LEAF_CERT));
  const keyPem = await readIfPresent(join(dir, LEAF_KEY));
  if (certPem === null || keyPem === null) return null;
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.checkIssued(ca.cert) || !cert.verify(ca.cert.publicKey)) return null;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return null;
    return { certPem, keyPem, names: namesOf(cert), notAfterMs: cert.validToDate.getTime() };
  } catch {
    // Damaged or foreign: the caller issues a new one.
    return null;
  }
}

/** Why `leaf` must be replaced to serve `wanted` at `nowMs`, or null when it still fits. */
export function reissueReason(leaf: Leaf | null, wanted: LeafNames, nowMs: number): string | null {
  if (leaf === null) return "no valid server certificate";
  if (!sameNames(leaf.names, wanted)) return "the box's names or addresses changed";
  if (leaf.notAfterMs - nowMs < RENEW_BEFORE_MS) return "the server certificate expires soon";
  return null;
}

export async function issueLeaf(
  dir: string,
  ca: BoxCa,
  names: LeafNames,
  openssl: OpensslRunner,
): Promise<Leaf> {
  await withStaging(dir, async (staging) => {
    const san = [...names.dns.map((n) => `DNS:${n}`), ...names.ips.map((ip) => `IP:${ip}`)];
    await Deno.writeTextFile(
      join(staging, "leaf.ext"),
      [
        "basicConstraints = critical, CA:false",
        "keyUsage = critical, digitalSignature",
        "extendedKeyUsage = serverAuth",
        "subjectKeyIdentifier = hash",
        "authorityKeyIdentifier = keyid",
        `subjectAltName = ${san.join(", ")}`,
        "",
      ].join("\n"),
    );
    await openssl(
      ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", LEAF_KEY],
      staging,
    );
    await openssl(
      ["req", "-new", "-key", LEAF_KEY, "-subj", `/CN=${BOX_MDNS_NAME}`, "-out", "leaf.csr"],
      staging,
    );
    await openssl([
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      ca.certPath,
      "-CAkey",
      ca.keyPath,
      "-set_serial",
      randomSerial(),
      "-days",
      String(LEAF_DAYS),
      "-sha256",
      "-extfile",
      "leaf.ext",
      "-out",
      LEAF_CERT,
    ], staging);
    await installPair(staging, dir, LEAF_KEY, LEAF_CERT);
  });
  const leaf = await loadLeaf(dir, ca);
  if (leaf === null) throw new Error(`the server certificate just issued in ${dir} does not load`);
  return leaf;
}

/** The DNS names and addresses of a certificate's subjectAltName, as wantedLeafNames makes them. */
function namesOf(cert: X509Certificate): LeafNames {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const entry of (cert.subjectAltName ?? "").split(", ")) {
    if (entry.startsWith("DNS:")) dns.push(entry.slice(4).toLowerCase());
    if (entry.startsWith("IP Address:")) {
      const ip = canonicalAddress(entry.slice("IP Address:".length));
      if (ip !== null) ips.push(ip);
    }
  }
  return { dns: dns.sort(), ips: ips.sort() };
}
