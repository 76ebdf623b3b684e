/**
 * The cloud-sync tests' object store and their independent reader: s3rver (third-party, npm) in
 * its own process on a loopback port, and rclone (Debian) to list, read and checksum what landed
 * there — an S3 client that shares no code with ours.
 */
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
export const ACCESS_KEY = "S3RVER";
export const SECRET_KEY = "S3RVER";
export const BUCKET = "frames";

export interface Store extends AsyncDisposable {
  port: number;
  endpoint: string;
  dir: string;
  stop(): Promise<void>;
}

/** s3rver runs apart from the app's dependencies: its own lock, Deno's global npm cache. */
export const S3RVER_RUN_FLAGS = [
  "--no-config",
  "--node-modules-dir=none",
  "--lock=tests/s3/deno.lock",
];

/** Starts s3rver on `port` (0: any free one) over `dir` (a new temporary folder by default). */
export async function startStore(
  o: { port?: number; dir?: string; serviceEndpoint?: string; lenientSignatures?: boolean } = {},
): Promise<Store> {
  const dir = o.dir ?? await Deno.makeTempDir({ prefix: "openskylab-s3-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...S3RVER_RUN_FLAGS,
      "tests/s3/s3rver_main.ts",
      String(o.port ?? 0),
      dir,
      BUCKET,
      o.serviceEndpoint ?? "amazonaws.com",
      ...(o.lenientSignatures ? ["lenient"] : []),
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
  while (!/listening (\d+)/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(deadline);
      await child.status;
      throw new Error(`s3rver did not start: ${seen}`);
    }
    seen += value;
  }
  clearTimeout(deadline);
  // Keep draining so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  const port = Number(/listening (\d+)/.exec(seen)![1]);
  let stopped: Promise<void> | null = null;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 3000);
      await child.status;
      clearTimeout(timer);
    })();
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    dir,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
      if (!o.dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** Runs rclone against the store with its own S3 client; answers stdout as text. */
export async function rclone(store: { endpoint: string }, ...args: string[]): Promise<string> {
  return new TextDecoder().decode(await rcloneBytes(store, ...args));
}

export async function rcloneBytes(
  store: { endpoint: string },
  ...args: string[]
): Promise<Uint8Array> {
  const out = await new Deno.Command("rclone", {
    args: [...args, "--config", "/dev/null", "--low-level-retries", "1", "--retries", "1"],
    // A clean environment: rclone would otherwise pick up the host's AWS_* and proxy settings.
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      RCLONE_CONFIG_STORE_TYPE: "s3",
      RCLONE_CONFIG_STORE_PROVIDER: "Other",
      RCLONE_CONFIG_STORE_ENDPOINT: store.endpoint,
      RCLONE_CONFIG_STORE_ACCESS_KEY_ID: ACCESS_KEY,
      RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY: SECRET_KEY,
      RCLONE_CONFIG_STORE_FORCE_PATH_STYLE: "true",
      RCLONE_CONFIG_STORE_REGION: "us-east-1",
    },
  }).output();
  if (!out.success) {
    throw new Error(`rclone ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

export interface RcloneEntry {
  Path: string;
  Size: number;
  IsDir: boolean;
  Metadata?: Record<string, string>;
}

/** Every object in the bucket, as rclone lists it (with metadata). */
export async function listStore(store: { endpoint: string }): Promise<RcloneEntry[]> {
  const text = await rclone(
    store,
    "lsjson",
    "--recursive",
    "--metadata",
    "--files-only",
    `store:${BUCKET}`,
  );
  return (JSON.parse(text) as RcloneEntry[]).sort((a, b) => a.Path < b.Path ? -1 : 1);
}

/** The object's bytes, read back by rclone. */
export function readObject(store: { endpoint: string }, key: string): Promise<Uint8Array> {
  return rcloneBytes(store, "cat", `store:${join(BUCKET, key)}`);
}
