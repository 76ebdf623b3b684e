/**
 * The signing key as a release manager holds it: an openssl-made Ed25519 key file signs, and
 * openssl verifies with the public key the build derived from it; a key that is not one is
 * refused; without a key the build signs with a throwaway one.
 */
import { join } from "node:path";
import { verifyEd25519 } from "../../core/system/release_format.ts";
import { assert, assertEquals, assertMatch, assertRejects } from "../../tests/_assert.ts";
import { loadSigner, publicKeyPem } from "./signing.ts";

async function openssl(args: string[], cwd: string) {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  return {
    ok: out.success,
    text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  };
}

Deno.test("a key file from openssl signs what openssl verifies, with the public key derived here", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-key-" });
  try {
    assert((await openssl(["genpkey", "-algorithm", "ed25519", "-out", "release.key"], dir)).ok);
    const pub = await openssl(["pkey", "-in", "release.key", "-pubout"], dir);
    const signer = await loadSigner({ keyFile: join(dir, "release.key"), env: {} });
    assertEquals(signer.dev, false);
    assertEquals(publicKeyPem(signer.spki), pub.text);
    const message = new TextEncoder().encode("deadbeef  app/main.js\n");
    await Deno.writeFile(join(dir, "MANIFEST"), message);
    await Deno.writeFile(join(dir, "MANIFEST.sig"), await signer.sign(message));
    await Deno.writeTextFile(join(dir, "release-key.pem"), publicKeyPem(signer.spki));
    const verified = await openssl([
      "pkeyutl",
      "-verify",
      "-pubin",
      "-inkey",
      "release-key.pem",
      "-rawin",
      "-in",
      "MANIFEST",
      "-sigfile",
      "MANIFEST.sig",
    ], dir);
    assertMatch(verified.text, /Signature Verified Successfully/);
    // And the other way round: openssl signs, the box's verifier accepts.
    assert(
      (await openssl([
        "pkeyutl",
        "-sign",
        "-inkey",
        "release.key",
        "-rawin",
        "-in",
        "MANIFEST",
        "-out",
        "o.sig",
      ], dir)).ok,
    );
    assert(await verifyEd25519(signer.spki, message, await Deno.readFile(join(dir, "o.sig"))));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no key: a throwaway one; a key that is not PKCS#8 PEM is refused by name", async () => {
  const throwaway = await loadSigner({ env: {} });
  assertEquals(throwaway.dev, true);
  const message = new TextEncoder().encode("x");
  assert(await verifyEd25519(throwaway.spki, message, await throwaway.sign(message)));
  await assertRejects(
    () => loadSigner({ env: { OPENSKYLAB_RELEASE_KEY: "ssh-ed25519 AAAA… not a PEM" } }),
    Error,
    "OPENSKYLAB_RELEASE_KEY: expected an Ed25519 private key in PKCS#8 PEM",
  );
});
