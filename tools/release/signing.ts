/**
 * The release signing key. It comes from a PKCS#8 PEM file (`--key FILE` or
 * OPENSKYLAB_RELEASE_KEY_FILE) or the PEM text itself (OPENSKYLAB_RELEASE_KEY), as
 * `openssl genpkey -algorithm ed25519` writes it. Without one the build makes a throwaway key in
 * memory, signs with it and forgets it: only its public half is written, beside the artefacts,
 * and the release says `dev_key: true`. A private key is never written anywhere by this code.
 */
import { base64, derToPem, pemToDer } from "../../core/system/release_format.ts";

export interface ReleaseSigner {
  /** SPKI DER of the public key. */
  spki: Uint8Array;
  /** True for a throwaway key made by this build. */
  dev: boolean;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** The 12 bytes that make a raw Ed25519 public key an SPKI structure (RFC 8410). */
const ED25519_SPKI_PREFIX = Uint8Array.from(
  "302a300506032b6570032100".match(/../g)!,
  (hex) => parseInt(hex, 16),
);

export async function loadSigner(
  options: { keyFile?: string; env: Record<string, string | undefined> },
): Promise<ReleaseSigner> {
  const file = options.keyFile ?? options.env.OPENSKYLAB_RELEASE_KEY_FILE;
  const pem = file ? await Deno.readTextFile(file) : options.env.OPENSKYLAB_RELEASE_KEY;
  if (!pem) return await throwawaySigner();
  let pkcs8: Uint8Array;
  try {
    pkcs8 = pemToDer(pem, "PRIVATE KEY");
  } catch {
    throw new Error(
      `${file ?? "OPENSKYLAB_RELEASE_KEY"}: expected an Ed25519 private key in PKCS#8 PEM ` +
        "(openssl genpkey -algorithm ed25519)",
    );
  }
  // Extractable only so the public half can be read from the JWK; the key never leaves memory.
  const key = await crypto.subtle.importKey(
    "pkcs8",
    pkcs8 as Uint8Array<ArrayBuffer>,
    { name: "Ed25519" },
    true,
    ["sign"],
  );
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const raw = Uint8Array.from(
    atob(jwk.x!.replaceAll("-", "+").replaceAll("_", "/")),
    (c) => c.charCodeAt(0),
  );
  return signerOf(key, spkiOfRaw(raw), false);
}

async function throwawaySigner(): Promise<ReleaseSigner> {
  const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return signerOf(pair.privateKey, spki, true);
}

function signerOf(key: CryptoKey, spki: Uint8Array, dev: boolean): ReleaseSigner {
  return {
    spki,
    dev,
    sign: async (message) =>
      new Uint8Array(
        await crypto.subtle.sign({ name: "Ed25519" }, key, message as Uint8Array<ArrayBuffer>),
      ),
  };
}

function spkiOfRaw(raw: Uint8Array): Uint8Array {
  if (raw.length !== 32) throw new Error("an Ed25519 public key has 32 bytes");
  const spki = new Uint8Array(ED25519_SPKI_PREFIX.length + 32);
  spki.set(ED25519_SPKI_PREFIX);
  spki.set(raw, ED25519_SPKI_PREFIX.length);
  return spki;
}

export function publicKeyPem(spki: Uint8Array): string {
  return derToPem(spki, "PUBLIC KEY");
}

export function spkiBase64(spki: Uint8Array): string {
  return base64(spki);
}
