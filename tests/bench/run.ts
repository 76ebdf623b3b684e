/** `deno task bench`: every benchmark in turn, each printing its figures on `bench …` lines. */
import { fitsBench } from "./fits_bench.ts";
import { serverBench } from "./server_bench.ts";

await fitsBench();
await serverBench();
