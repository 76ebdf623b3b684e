/**
 * The system group through the real app: what the box reports about itself, the phone's time
 * (accepted, refused when synchronised, refused when absurd) and shutdown/reboot, with the OS
 * clock and power replaced by recorders so the test machine's own are never touched.
 */
import { join } from "node:path";
import { SystemInfoDto } from "../core/schemas/system.ts";
import type { PowerAction } from "../core/schemas/system.ts";
import { buildInfo } from "../core/system/build_info.ts";
import type { ClockControl, TimeSyncState } from "../core/system/clock_control.ts";
import { HostInfo } from "../core/system/host_info.ts";
import type { WsEvent } from "../core/events.ts";
import { assert, assertEquals } from "../tests/_assert.ts";
import { API, expect400, expectStatus, rig } from "./_test_app.ts";

/** A fake /sys and /etc: a Raspberry Pi 4's device tree (NUL-terminated, as the kernel has it). */
async function piRoot(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "openskylab-host-" });
  const tree = join(root, "sys/firmware/devicetree/base");
  await Deno.mkdir(tree, { recursive: true });
  await Deno.writeTextFile(join(tree, "model"), "Raspberry Pi 4 Model B Rev 1.5\0");
  await Deno.writeTextFile(join(tree, "serial-number"), "10000000ABCD1234\0");
  await Deno.mkdir(join(root, "etc"));
  await Deno.writeTextFile(join(root, "etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
  return root;
}

function recordingClock(state: TimeSyncState) {
  const set: number[] = [];
  const control: ClockControl = {
    probe: () => Promise.resolve(state),
    set: (ms) => {
      set.push(ms);
      return Promise.resolve();
    },
  };
  return { control, set };
}

Deno.test("GET /system: versions, the board from the device tree, clock, storage, first boot", async () => {
  const root = await piRoot();
  const data = await Deno.makeTempDir();
  try {
    const { control } = recordingClock({ synchronized: false, rtc: false });
    await using r = await rig({
      system: { host: new HostInfo(root), clockControl: control, dataDir: data },
    });
    const info = SystemInfoDto.parse(await r.json("GET", `${API}/system`));
    assertEquals(info.version, buildInfo().version);
    assertEquals(info.deno_version, Deno.version.deno);
    assertEquals(info.arch, Deno.build.arch);
    assertEquals(info.model, "Raspberry Pi 4 Model B Rev 1.5");
    assertEquals(info.serial, "10000000abcd1234");
    assertEquals(info.hostname, Deno.hostname());
    assert(info.uptime_s > 0);
    assert(Math.abs(info.boot_time_ms - (Date.now() - info.uptime_s * 1000)) < 60_000);
    assertEquals(info.time.synchronized, false);
    assertEquals(info.time.source, "unknown");
    assertEquals(info.storage.data_dir, data);
    assert(info.storage.total_bytes > 0 && info.storage.free_bytes > 0);
    assert(info.storage.free_bytes <= info.storage.total_bytes);
    assertEquals(info.first_boot, { done: false, steps: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(data, { recursive: true });
  }
});

Deno.test("GET /system: no device tree → model null, serial from the machine id; an RTC is a source", async () => {
  const root = await piRoot();
  await Deno.remove(join(root, "sys"), { recursive: true });
  try {
    const { control } = recordingClock({ synchronized: false, rtc: true });
    await using r = await rig({ system: { host: new HostInfo(root), clockControl: control } });
    const info = SystemInfoDto.parse(await r.json("GET", `${API}/system`));
    assertEquals(info.model, null);
    // sha256("openskylab:0123456789abcdef0123456789abcdef"), first 16 hex digits.
    const expected = new Uint8Array(
      await crypto.subtle.digest(
        "SHA-256",
        new TextEncoder().encode("openskylab:0123456789abcdef0123456789abcdef"),
      ),
    );
    assertEquals(
      info.serial,
      [...expected.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(""),
    );
    assertEquals(info.time.source, "rtc");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("POST /system/time: the phone's clock is taken when the box has no better one", async () => {
  const { control, set } = recordingClock({ synchronized: false, rtc: false });
  await using r = await rig({ system: { clockControl: control } });
  const events: WsEvent[] = [];
  r.bus.subscribe((e) => events.push(e));
  const phoneMs = Math.max(Date.now(), buildInfo().build_time_ms) + 1234;
  const answer = await r.json("POST", `${API}/system/time`, { time_ms: phoneMs });
  assertEquals(answer, { time_ms: phoneMs, source: "phone" });
  assertEquals(set, [phoneMs]);
  const event = events.find((e) => e.type === "system.time_set");
  assertEquals(event?.data, {
    time_ms: phoneMs,
    previous_ms: event?.data.previous_ms,
    source: "phone",
  });
  const info = SystemInfoDto.parse(await r.json("GET", `${API}/system`));
  assertEquals(info.time.source, "phone");
});

Deno.test("POST /system/time: 409 when NTP keeps the clock, or when the OS clock is not ours", async () => {
  const { control, set } = recordingClock({ synchronized: true, rtc: true });
  await using r = await rig({ system: { clockControl: control } });
  const ok = Math.max(Date.now(), buildInfo().build_time_ms) + 1000;
  await expectStatus(await r.call("POST", `${API}/system/time`, { time_ms: ok }), 409, "conflict");
  assertEquals(set, []);
  assertEquals(SystemInfoDto.parse(await r.json("GET", `${API}/system`)).time.source, "ntp");

  await using readOnly = await rig({
    system: { clockControl: { probe: () => Promise.resolve({ synchronized: false, rtc: false }) } },
  });
  const res = await readOnly.call("POST", `${API}/system/time`, { time_ms: ok });
  const body = await res.json();
  assertEquals(res.status, 409);
  assert(String(body.error.message).includes("system.os_control"), body.error.message);
});

Deno.test("POST /system/time: 400 naming time_ms for nonsense; the clock is left alone", async () => {
  const { control, set } = recordingClock({ synchronized: false, rtc: false });
  await using r = await rig({ system: { clockControl: control } });
  const built = buildInfo().build_time_ms;
  const post = (body: unknown) => r.call("POST", `${API}/system/time`, body);
  await expect400(await post({ time_ms: 0 }), "time_ms", /before this release was built/);
  await expect400(await post({ time_ms: built - 1 }), "time_ms", /before this release was built/);
  await expect400(
    await post({ time_ms: built + 25 * 365 * 86_400_000 }),
    "time_ms",
    /more than 20 years after/,
  );
  await expect400(await post({ time_ms: "tomorrow" }), "time_ms");
  await expect400(await post({ time_ms: 1.5e12 + 0.5 }), "time_ms");
  await expect400(await post({}), "time_ms");
  assertEquals(set, []);
});

Deno.test("POST /system/shutdown and /reboot: 202, one request at a time, announced on the bus", async () => {
  for (const action of ["shutdown", "reboot"] as const) {
    const requested: PowerAction[] = [];
    await using r = await rig({ system: { onPower: (a) => requested.push(a) } });
    const announced = r.bus.next("system.power");
    const res = await r.call("POST", `${API}/system/${action}`);
    assertEquals(res.status, 202);
    assertEquals(await res.json(), { accepted: true, message: `${action} under way` });
    assertEquals((await announced).data, { action });
    // The owner hears of it only after the reply has been built.
    assertEquals(requested, []);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assertEquals(requested, [action]);
    await expectStatus(await r.call("POST", `${API}/system/reboot`), 409, "conflict");
    assertEquals(requested, [action]);
  }
});

Deno.test("health reports the first boot", async () => {
  await using r = await rig();
  const health = await r.json<{ first_boot: unknown }>("GET", `${API}/health`);
  assertEquals(health.first_boot, { done: false, steps: [] });
});
