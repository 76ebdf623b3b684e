/**
 * Runs s3rver — a third-party S3 implementation (the @20minutes fork of s3rver, which unlike
 * s3rver 3.7.1 verifies SigV4 signatures) — as its own process for the cloud-sync tests:
 * `deno run -A tests/s3/s3rver_main.ts <port|0> <directory> <bucket> [service endpoint] [lenient]`.
 * Prints `listening <port>` once it accepts connections; SIGTERM stops it. `lenient` accepts
 * mismatched signatures: for virtual-host requests the fork builds the SigV4 canonical URI as
 * `/<bucket>/<key>` (SigV2's rule) where AWS signs the path as sent (`/<key>`, see the AWS
 * examples in core/sync/s3/sigv4_test.ts), so only the virtual-host test uses it.
 */
// Not in the app's import map: loaded at run time, with tests/s3/deno.lock, from Deno's global npm
// cache (see S3RVER_RUN_FLAGS in store.ts). In the app's node_modules its package.json names a bin
// file the package does not ship, and Deno warned about it on every start of every process.
const S3RVER = "npm:@20minutes/s3rver@5.0.0";
type S3rverServer = { run(): Promise<{ port: number }>; close(): Promise<void> };
const S3rver: new (options: Record<string, unknown>) => S3rverServer =
  (await import(S3RVER)).default;

const [portArg = "0", directory, bucket = "frames", serviceEndpoint = "amazonaws.com", mode] =
  Deno.args;
if (!directory) {
  console.error("usage: s3rver_main.ts <port> <directory> <bucket> [service endpoint]");
  Deno.exit(2);
}
const server = new S3rver({
  port: Number(portArg),
  address: "127.0.0.1",
  directory,
  silent: true,
  serviceEndpoint,
  allowMismatchedSignatures: mode === "lenient",
  configureBuckets: [{ name: bucket, configs: [] }],
});
const info = await server.run();
console.log(`listening ${info.port}`);
Deno.addSignalListener("SIGTERM", () => {
  server.close().finally(() => Deno.exit(0));
});
