/**
 * The health alerts' edges where the firmware gives no flags (a PC, or Debian's kernel on a Pi):
 * the CPU temperature alone warns at the limit, once, and clears only 5 °C below it, so a CPU
 * hovering at the limit does not flood the phone; and thermal throttling reported by the
 * firmware warns once and clears once.
 */
import { assertEquals, assertMatch } from "../../tests/_assert.ts";
import { HealthAlerts } from "./health_alerts.ts";

const CLEAR = {
  under_voltage: false,
  arm_freq_capped: false,
  throttled: false,
  soft_temp_limit: false,
};

Deno.test("health alerts: a hot CPU without firmware flags warns once, clears 5 °C below", () => {
  const alerts = new HealthAlerts({ cpuTempWarnC: 80 });
  const at = (cpuTempC: number | null) =>
    alerts.evaluate({ now: null, sinceBootBits: 0, cpuTempC });
  assertEquals(at(79.9), []);
  const hot = at(80);
  assertEquals(hot.map((a) => a.level), ["warning"]);
  assertMatch(hot[0]!.message, /80\.0 °C \(limit 80 °C\)/);
  // Hovering around the limit, and a reading that fails: nothing more.
  for (const t of [79, 81, 76, null, 75.5]) assertEquals(at(t), [], `at ${t}`);
  const cooled = at(75);
  assertEquals(cooled.map((a) => a.level), ["info"]);
  assertMatch(cooled[0]!.message, /cooled to 75\.0 °C/);
  assertEquals(at(79), []);
  assertEquals(at(85).map((a) => a.level), ["warning"]);
});

Deno.test("health alerts: thermal throttling from the firmware warns on its start and end", () => {
  const alerts = new HealthAlerts({ cpuTempWarnC: 90 });
  const throttled = { ...CLEAR, throttled: true, soft_temp_limit: true };
  const start = alerts.evaluate({ now: throttled, sinceBootBits: 0b1100, cpuTempC: 84.2 });
  assertEquals(start.map((a) => a.level), ["warning"]);
  assertMatch(start[0]!.message, /CPU throttled, soft temperature limit \(CPU at 84\.2 °C\)/);
  assertEquals(start[0]!.details, { flags: ["throttled", "soft_temp_limit"] });
  assertEquals(alerts.evaluate({ now: throttled, sinceBootBits: 0b1100, cpuTempC: 85 }), []);
  const end = alerts.evaluate({ now: CLEAR, sinceBootBits: 0b1100, cpuTempC: 70 });
  assertEquals(end.map((a) => a.level), ["info"], "the since-boot bits were already reported");
  assertMatch(end[0]!.message, /full speed again/);
});
