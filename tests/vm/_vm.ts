/**
 * A full-system qemu VM for the VM test, under TCG (KVM is not usable on these machines): the
 * kernel and initramfs from the image's own /boot, the image as a virtio disk with snapshot=on
 * (writes land in a temporary overlay: the cached image stays pristine, and a reset or reboot
 * inside the same qemu keeps them, as a power cut keeps what reached the card), a read-only 9p
 * share for the test's inputs, user-mode networking with ports 80 and 7624 forwarded to
 * loopback, QMP for power cuts and qemu's guest agent for commands inside the guest. The
 * serial console goes to a log file for the post-mortem.
 */
import { join } from "node:path";
import { freePort } from "../bench/_util.ts";

export interface VmOptions {
  kernel: string;
  initrd: string;
  rootfs: string;
  shareDir: string;
  workDir: string;
  /** Host loopback ports forwarded to the guest's 80 and 7624. */
  httpPort: number;
  apiPort: number;
  memoryMb?: number;
  cpus?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class Vm implements AsyncDisposable {
  readonly consoleLog: string;
  readonly startedMs = Date.now();
  readonly #child: Deno.ChildProcess;
  readonly #qmpPath: string;
  readonly #qgaPath: string;
  #exit: Promise<Deno.CommandStatus>;

  private constructor(child: Deno.ChildProcess, workDir: string) {
    this.#child = child;
    this.consoleLog = join(workDir, "console.log");
    this.#qmpPath = join(workDir, "qmp.sock");
    this.#qgaPath = join(workDir, "qga.sock");
    this.#exit = child.status;
  }

  static boot(o: VmOptions): Vm {
    const child = new Deno.Command("qemu-system-x86_64", {
      args: [
        "-machine",
        "q35,accel=tcg",
        "-cpu",
        "max",
        "-smp",
        String(o.cpus ?? 2),
        "-m",
        String(o.memoryMb ?? 1536),
        "-nodefaults",
        "-display",
        "none",
        "-serial",
        `file:${join(o.workDir, "console.log")}`,
        "-kernel",
        o.kernel,
        "-initrd",
        o.initrd,
        "-append",
        "root=/dev/vda rw console=ttyS0 quiet systemd.show_status=auto",
        "-drive",
        `file=${o.rootfs},format=raw,if=virtio,snapshot=on`,
        "-virtfs",
        `local,path=${o.shareDir},mount_tag=share,security_model=none,readonly=on,id=share`,
        "-nic",
        `user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:${o.httpPort}-:80,` +
        `hostfwd=tcp:127.0.0.1:${o.apiPort}-:7624`,
        "-chardev",
        `socket,path=${join(o.workDir, "qga.sock")},server=on,wait=off,id=qga0`,
        "-device",
        "virtio-serial-pci",
        "-device",
        "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
        "-qmp",
        `unix:${join(o.workDir, "qmp.sock")},server=on,wait=off`,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new Vm(child, o.workDir);
  }

  /** Resolves with qemu's exit code when the guest powers off (or qemu dies). */
  async exited(timeoutMs: number): Promise<number> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`qemu still running after ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      return (await Promise.race([this.#exit, timeout])).code;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A QMP command (e.g. "system_reset": a power cut and power-on, as far as the guest knows). */
  async qmp(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const conn = await Deno.connect({ transport: "unix", path: this.#qmpPath });
    const lines = readLines(conn);
    try {
      await lines.next(); // the greeting
      await sendJson(conn, { execute: "qmp_capabilities" });
      await expectReturn(lines);
      await sendJson(conn, { execute: command, ...(args ? { arguments: args } : {}) });
      return await expectReturn(lines);
    } finally {
      conn.close();
    }
  }

  /**
   * Runs `script` with /bin/sh inside the guest through qemu's guest agent and waits for it.
   * The agent is reached only after a guest-sync round trip, so a command is never left queued
   * for an agent that is not there yet (it would run later, unasked).
   */
  async exec(script: string, timeoutMs = 60_000): Promise<ExecResult> {
    const deadline = Date.now() + timeoutMs;
    const conn = await Deno.connect({ transport: "unix", path: this.#qgaPath });
    const lines = readLines(conn);
    try {
      const id = Math.floor(Math.random() * 2 ** 31);
      await sendJson(conn, { execute: "guest-sync", arguments: { id } });
      while (true) {
        const reply = await withDeadline(lines.next(), deadline, "the guest agent to answer");
        if (reply.done) throw new Error("the guest agent closed the connection");
        if ((reply.value as { return?: unknown }).return === id) break;
      }
      await sendJson(conn, {
        execute: "guest-exec",
        arguments: { path: "/bin/sh", arg: ["-c", script], "capture-output": true },
      });
      const { pid } = await withDeadline(expectReturn(lines), deadline, "guest-exec") as {
        pid: number;
      };
      while (true) {
        await sendJson(conn, { execute: "guest-exec-status", arguments: { pid } });
        const status = await withDeadline(expectReturn(lines), deadline, "guest-exec-status") as {
          exited: boolean;
          exitcode?: number;
          signal?: number;
          "out-data"?: string;
          "err-data"?: string;
        };
        if (status.exited) {
          const text = (b64?: string) =>
            b64 ? new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))) : "";
          return {
            code: status.exitcode ?? 128 + (status.signal ?? 0),
            stdout: text(status["out-data"]),
            stderr: text(status["err-data"]),
          };
        }
        if (Date.now() > deadline) throw new Error(`timed out running in the guest: ${script}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      conn.close();
    }
  }

  /** `exec`, retried until the agent answers (it starts with the guest). */
  async execWhenUp(script: string, timeoutMs: number): Promise<ExecResult> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      try {
        return await this.exec(script, Math.min(20_000, Math.max(1000, deadline - Date.now())));
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* already gone */ }
    await this.#child.output().catch(() => {});
  }
}

async function sendJson(conn: Deno.Conn, value: unknown): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(value) + "\n");
  for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
}

async function* readLines(conn: Deno.Conn): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = "";
  const chunk = new Uint8Array(65536);
  while (true) {
    const n = await conn.read(chunk);
    if (n === null) return;
    buffer += decoder.decode(chunk.subarray(0, n), { stream: true });
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line);
    }
  }
}

/** The next reply that is a return value (events are skipped); an error reply throws. */
async function expectReturn(lines: AsyncGenerator<unknown>): Promise<unknown> {
  while (true) {
    const next = await lines.next();
    if (next.done) throw new Error("the connection closed before the reply");
    const reply = next.value as { return?: unknown; error?: { desc: string }; event?: string };
    if (reply.error) throw new Error(reply.error.desc);
    if ("return" in reply) return reply.return;
  }
}

async function withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}`)),
          Math.max(0, deadline - Date.now()),
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a VM test needs on the host; empty when it can run. */
export async function missingVmTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of ["qemu-system-x86_64", "debootstrap", "mkfs.ext4"]) {
    const found = await new Deno.Command("sh", { args: ["-c", `command -v ${tool}`] }).output();
    if (!found.success) missing.push(tool);
  }
  if (Deno.uid() !== 0) missing.push("root (debootstrap, chroot)");
  return missing;
}

/**
 * Whether a VM test can run here: CI must run it (a silent skip there would let the box break
 * unnoticed), so a missing tool fails there; elsewhere the test is skipped with the reason.
 */
export async function vmTestCanRun(): Promise<boolean> {
  const missing = await missingVmTools();
  if (missing.length === 0) return true;
  const message = `needs ${missing.join(", ")} (.ci/run installs qemu-system-x86, debootstrap)`;
  if (Deno.env.get("CI")) throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
  return false;
}

/** Polls `read` until `done` (a hang guard, not a speed requirement); throws with the last value. */
export async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${
      JSON.stringify(last) ?? String(lastError)
    }`,
  );
}

/** A guest command's stdout; a non-zero exit fails with its output. */
export function ok(result: ExecResult, what: string): string {
  if (result.code !== 0) {
    throw new Error(`${what}: exit ${result.code}: ${result.stdout}${result.stderr}`);
  }
  return result.stdout.trim();
}

/** A booted test box and what its test cleans up. */
export interface TestBox {
  vm: Vm;
  /** The test's folder (the share, qemu's sockets and console log): removed by the test. */
  work: string;
  /** Host loopback ports forwarded to the guest's 80 and 7624. */
  httpPort: number;
  apiPort: number;
}

/**
 * Boots the test image with a release to install at first boot and, when given, what a user
 * writes on the SD card's boot partition (openskylab.txt). The release is decompressed here: xz
 * under the VM's emulation takes minutes, and the guest's install-release still checks every
 * file against the signed MANIFEST.
 */
export async function bootTestBox(o: {
  image: { kernel: string; initrd: string; rootfs: string };
  releaseTarball: string;
  bootConfig?: string;
  prefix: string;
}): Promise<TestBox> {
  const work = await Deno.makeTempDir({ prefix: o.prefix });
  const share = join(work, "share");
  await Deno.mkdir(share);
  const unxz = await new Deno.Command("sh", {
    args: ["-c", 'xz -dc "$0" >"$1"', o.releaseTarball, join(share, "release.tar")],
  }).output();
  if (!unxz.success) throw new Error(`xz -d ${o.releaseTarball}: ${unxz.code}`);
  if (o.bootConfig !== undefined) {
    await Deno.writeTextFile(join(share, "openskylab.txt"), o.bootConfig);
  }
  const httpPort = freePort();
  const apiPort = freePort();
  const vm = Vm.boot({
    kernel: o.image.kernel,
    initrd: o.image.initrd,
    rootfs: o.image.rootfs,
    shareDir: share,
    workDir: work,
    httpPort,
    apiPort,
  });
  return { vm, work, httpPort, apiPort };
}

/**
 * A small simulated camera on a random star field, for VM tests that need frames but not the true
 * sky (its catalogue takes minutes to build under TCG).
 */
export const SMALL_SIM_CAMERA = {
  driver: "sim",
  options: { widthPx: 640, heightPx: 480, readoutMs: 100, sky: "random" },
} as const;
