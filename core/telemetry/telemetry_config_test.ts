/** The [telemetry] section of config.toml: defaults, and a bad value named by its key. */
import { join } from "node:path";
import { silentLogger } from "../../lib/log.ts";
import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ConfigError, loadConfig } from "../config.ts";

Deno.test("config: [telemetry] defaults, and reserve above warn is refused naming the key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "config.toml");
    const fresh = await loadConfig(path, silentLogger);
    assertEquals(fresh.telemetry, {
      sample_interval_s: 10,
      disk_warn_mb: 4096,
      disk_reserve_mb: 1024,
      cpu_temp_warn_c: 80,
      vcgencmd: "vcgencmd",
      host_root: "/",
    });
    await Deno.writeTextFile(path, "[telemetry]\ndisk_warn_mb = 500\ndisk_reserve_mb = 600\n");
    await assertRejects(
      () => loadConfig(path, silentLogger),
      ConfigError,
      "telemetry.disk_reserve_mb: disk_reserve_mb must not be above disk_warn_mb",
    );
    await Deno.writeTextFile(path, "[telemetry]\nsample_interval_s = 0\n");
    await assertRejects(
      () => loadConfig(path, silentLogger),
      ConfigError,
      "telemetry.sample_interval_s",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
