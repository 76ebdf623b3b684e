/** `deno task bench`: every benchmark in turn, each printing its figures on `bench …` lines. */
import { autofocusBench } from "./autofocus_bench.ts";
import { catalogImportBench } from "./catalog_import_bench.ts";
import { cliAnalyzeBench } from "./cli_analyze_bench.ts";
import { fitsBench } from "./fits_bench.ts";
import { frameDeliveryBench } from "./frame_delivery_bench.ts";
import { hipsBench } from "./hips_bench.ts";
import { indiBench } from "./indi_bench.ts";
import { livestackBench } from "./livestack_bench.ts";
import { previewBench } from "./preview_bench.ts";
import { serialBench } from "./serial_bench.ts";
import { serverBench } from "./server_bench.ts";
import { skyCatalogBench } from "./sky_catalog_bench.ts";
import { starsBench } from "./stars_bench.ts";
import { webBench } from "./web_bench.ts";
import { solverBench } from "./solver_bench.ts";
import { syncBench } from "./sync_bench.ts";
import { soakBench } from "./soak_bench.ts";
import { telemetryBench } from "./telemetry_bench.ts";

await fitsBench();
await previewBench();
await serverBench();
await frameDeliveryBench();
await livestackBench();
await starsBench();
await cliAnalyzeBench();
await serialBench();
await indiBench();
await solverBench();
await autofocusBench();
await skyCatalogBench();
await webBench();
await catalogImportBench();
await syncBench();
await hipsBench();
await telemetryBench();
// Last: an hour by default (SOAK_MINUTES shortens it).
await soakBench();
