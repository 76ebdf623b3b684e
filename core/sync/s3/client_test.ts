/**
 * The S3 client against a third-party S3 implementation (s3rver, which verifies SigV4 signatures),
 * read back with rclone: objects and metadata, multipart, both addressing styles, a refused
 * signature, and a faulty network in front of the store (500s, SlowDown, dropped connections)
 * with bounded retries. s3rver lacks AbortMultipartUpload and ListMultipartUploads: the client
 * must report that as "unsupported", which the worker tolerates.
 */
import { createHash } from "node:crypto";
import type { LookupFunction } from "node:net";
import { assert, assertEquals, assertRejects } from "../../../tests/_assert.ts";
import { systemClock } from "../../../lib/clock.ts";
import { FaultyProxy } from "../../../tests/s3/faulty_proxy.ts";
import {
  ACCESS_KEY,
  BUCKET,
  listStore,
  readObject,
  SECRET_KEY,
  startStore,
} from "../../../tests/s3/store.ts";
import { S3Client, type S3Target } from "./client.ts";
import { S3Error } from "./errors.ts";
import { sha256Hex } from "./sigv4.ts";
import { NetworkError } from "./transport.ts";

const FAST_RETRY = { attempts: 4, baseMs: 5, maxMs: 50 };

function target(endpoint: string, extra: Partial<S3Target> = {}): S3Target {
  return {
    endpoint,
    region: "us-east-1",
    bucket: BUCKET,
    addressing: "path",
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    ...extra,
  };
}

function md5(bytes: Uint8Array, encoding: "hex" | "base64" = "hex"): string {
  return createHash("md5").update(bytes).digest(encoding);
}

async function bodyOpts(bytes: Uint8Array, metadata: Record<string, string> = {}) {
  return { md5Base64: md5(bytes, "base64"), sha256Hex: await sha256Hex(bytes), metadata };
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65_536) {
    crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  }
  return out;
}

Deno.test("s3 client: put, head, list, get and delete against s3rver; rclone reads the same", async () => {
  await using store = await startStore();
  const client = new S3Client({
    target: target(store.endpoint),
    clock: systemClock,
    retry: FAST_RETRY,
  });
  try {
    const body = randomBytes(300_000);
    const key = "sky/M 42/2026-01-05/M_42 Light+ä.fits";
    const put = await client.putObject(
      key,
      body,
      await bodyOpts(body, { target: "M 42", sha256: "x" }),
    );
    assertEquals(put.etag, md5(body));
    const head = await client.headObject(key);
    assertEquals(head?.size, body.length);
    assertEquals(head?.metadata.target, "M 42");
    assertEquals(await client.headObject("sky/none"), null);
    const listed = await client.listObjects("sky/");
    assertEquals(listed.map((o) => [o.key, o.size]), [[key, body.length]]);
    const chunks: Uint8Array[] = [];
    await client.getObject(
      key,
      (c) => Promise.resolve(void chunks.push(c)),
      () => Promise.resolve(),
    );
    assertEquals(
      md5(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer())),
      md5(body),
    );
    // The independent client sees the same bytes and metadata.
    assertEquals(md5(await readObject(store, key)), md5(body));
    const [entry] = await listStore(store);
    assertEquals(entry?.Path, key);
    assertEquals(entry?.Metadata?.target, "M 42");
    await client.deleteObject(key);
    assertEquals(await client.headObject(key), null);
  } finally {
    client.close();
  }
});

Deno.test("s3 client: a multipart upload of three parts completes into one object", async () => {
  await using store = await startStore();
  const client = new S3Client({
    target: target(store.endpoint),
    clock: systemClock,
    retry: FAST_RETRY,
  });
  try {
    const partBytes = 5 * 1024 * 1024;
    const body = randomBytes(partBytes * 2 + 1234);
    const key = "multi/big.fits";
    const uploadId = await client.createMultipartUpload(key, {
      metadata: { sha256: await sha256Hex(body) },
    });
    const parts = [];
    for (let n = 1, offset = 0; offset < body.length; n++, offset += partBytes) {
      const part = body.subarray(offset, Math.min(body.length, offset + partBytes));
      const { etag } = await client.uploadPart(key, uploadId, n, part, await bodyOpts(part));
      assertEquals(etag, md5(part));
      parts.push({ partNumber: n, etag });
    }
    const done = await client.completeMultipartUpload(key, uploadId, parts);
    const head = await client.headObject(key);
    assertEquals(head?.size, body.length);
    assertEquals(head?.etag, done.etag);
    assertEquals(head?.metadata.sha256, await sha256Hex(body));
    assertEquals(md5(await readObject(store, key)), md5(body));
    // s3rver has no AbortMultipartUpload / ListMultipartUploads: reported as unsupported.
    const abort = await assertRejects(
      () => client.abortMultipartUpload(key, "nope"),
      S3Error,
    ) as S3Error;
    assert(abort.unsupported, abort.message);
    const list = await assertRejects(
      () => client.listMultipartUploads("multi/"),
      S3Error,
    ) as S3Error;
    assert(list.unsupported, list.message);
  } finally {
    client.close();
  }
});

Deno.test("s3 client: virtual-host addressing puts the bucket in the host name", async () => {
  // s3rver checks virtual-host signatures by SigV2's path rule, so it is lenient here; the
  // signature of such a request is proven by the AWS examples in sigv4_test.ts.
  await using store = await startStore({
    serviceEndpoint: "openskylab.test",
    lenientSignatures: true,
  });
  // Like curl --resolve: *.openskylab.test is this machine.
  const lookup = ((_host: string, options: unknown, callback: unknown) => {
    const cb = (typeof options === "function" ? options : callback) as (...a: unknown[]) => void;
    const all = typeof options === "object" && options !== null &&
      (options as { all?: boolean }).all;
    if (all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
    else cb(null, "127.0.0.1", 4);
  }) as unknown as LookupFunction;
  const client = new S3Client({
    target: target(`http://s3.openskylab.test:${store.port}`, { addressing: "virtual" }),
    clock: systemClock,
    retry: FAST_RETRY,
    lookup,
  });
  try {
    assertEquals(
      client.url("a b/c").href,
      `http://${BUCKET}.s3.openskylab.test:${store.port}/a%20b/c`,
    );
    const body = randomBytes(1000);
    await client.putObject("vhost/one.fits", body, await bodyOpts(body));
    assertEquals((await client.headObject("vhost/one.fits"))?.size, 1000);
    assertEquals(md5(await readObject(store, "vhost/one.fits")), md5(body));
  } finally {
    client.close();
  }
});

Deno.test("s3 client: a wrong secret is refused by the store's signature check and not retried", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port);
  const client = new S3Client({
    target: target(proxy.endpoint, {
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: "wrong" },
    }),
    clock: systemClock,
    retry: FAST_RETRY,
  });
  try {
    const err = await assertRejects(() => client.headObject("x"), S3Error) as S3Error;
    // HEAD has no body, so the store can only say 403.
    assertEquals(err.status, 403);
    const body = randomBytes(10);
    const put = await assertRejects(
      async () => client.putObject("x", body, await bodyOpts(body)),
      S3Error,
    ) as S3Error;
    assertEquals(put.code, "SignatureDoesNotMatch");
    assertEquals(proxy.seen().length, 2, "no retries of a refused signature");
  } finally {
    client.close();
  }
});

Deno.test("s3 client: 500s, SlowDown and dropped connections are retried a bounded number of times", async () => {
  await using store = await startStore();
  await using proxy = new FaultyProxy(store.port);
  const retries: string[] = [];
  const client = new S3Client({
    target: target(proxy.endpoint),
    clock: systemClock,
    retry: FAST_RETRY,
    onRetry: (r) =>
      retries.push(
        `${r.operation}:${
          r.error instanceof S3Error ? r.error.code : (r.error as NetworkError).code
        }`,
      ),
  });
  try {
    const body = randomBytes(200_000);
    const faults = ["500", "503", "drop"];
    proxy.plan = (r) => {
      if (r.method !== "PUT") return { kind: "forward" };
      const f = faults.shift();
      if (f === "500") return { kind: "error", status: 500, code: "InternalError" };
      if (f === "503") return { kind: "error", status: 503, code: "SlowDown" };
      if (f === "drop") return { kind: "drop", afterBodyBytes: 50_000 };
      return { kind: "forward" };
    };
    await client.putObject("flaky/a.fits", body, await bodyOpts(body));
    assertEquals(retries.map((r) => r.split(":")[1]), [
      "InternalError",
      "SlowDown",
      retries[2]!.split(":")[1]!,
    ]);
    assertEquals(proxy.seen((r) => r.method === "PUT").length, 4);
    assertEquals(md5(await readObject(store, "flaky/a.fits")), md5(body));

    // A store that keeps failing: the call gives up after `attempts` tries with the last error.
    proxy.plan = () => ({ kind: "error", status: 500, code: "InternalError" });
    const before = proxy.seen().length;
    const err = await assertRejects(() => client.headObject("flaky/a.fits"), S3Error) as S3Error;
    assertEquals(err.status, 500);
    assertEquals(proxy.seen().length - before, FAST_RETRY.attempts);
  } finally {
    client.close();
  }
});

Deno.test("s3 client: an endpoint nobody listens on is unreachable at once, without retries", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  let retried = 0;
  const client = new S3Client({
    target: target(`http://127.0.0.1:${port}`),
    clock: systemClock,
    retry: FAST_RETRY,
    onRetry: () => retried++,
  });
  try {
    const err = await assertRejects(() => client.headObject("x"), NetworkError) as NetworkError;
    assert(err.unreachable, err.code);
    assertEquals(retried, 0);
  } finally {
    client.close();
  }
});
