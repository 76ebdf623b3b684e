/**
 * A pseudo-terminal pair made by `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`: bytes
 * written to one tty come out of the other, so a driver opens `driverPath` as if it were a USB
 * adapter while a device simulator sits on `devicePath`. The links live in a temp dir the pair
 * owns. `stop()` kills socat, which hangs up both ttys — the "cable pulled" fault; `start()` again
 * recreates the same links, the "device plugged back".
 */

export class SocatPair {
  readonly dir: string;
  readonly driverPath: string;
  readonly devicePath: string;
  #child: Deno.ChildProcess | null = null;
  #stderr: Promise<string> | null = null;

  private constructor(dir: string) {
    this.dir = dir;
    this.driverPath = `${dir}/driver`;
    this.devicePath = `${dir}/device`;
  }

  static async create(): Promise<SocatPair> {
    const pair = new SocatPair(await Deno.makeTempDir({ prefix: "osl-serial-" }));
    await pair.start();
    return pair;
  }

  /** Starts socat and resolves once it reports its data transfer loop (both links exist). */
  async start(): Promise<void> {
    if (this.#child) return;
    const child = new Deno.Command("socat", {
      args: [
        "-d",
        "-d",
        `pty,raw,echo=0,link=${this.driverPath}`,
        `pty,raw,echo=0,link=${this.devicePath}`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    let ready!: () => void;
    const readyPromise = new Promise<void>((resolve) => ready = resolve);
    this.#stderr = (async () => {
      let log = "";
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        log += decoder.decode(chunk, { stream: true });
        if (log.includes("starting data transfer loop")) ready();
      }
      ready();
      return log;
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) =>
      timer = setTimeout(() => resolve("timeout"), 5000)
    );
    const outcome = await Promise.race([readyPromise.then(() => "ready" as const), timeout]);
    clearTimeout(timer);
    if (outcome === "timeout" || !(await exists(this.driverPath))) {
      const log = await this.stop();
      throw new Error(`socat did not start its pty pair: ${log}`);
    }
  }

  /** Kills socat (both ttys hang up) and returns its log. */
  async stop(): Promise<string> {
    const child = this.#child;
    if (!child) return "";
    this.#child = null;
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
    await child.status;
    const log = (await this.#stderr) ?? "";
    this.#stderr = null;
    return log;
  }

  /** Stops socat and removes the temp dir. */
  async dispose(): Promise<void> {
    await this.stop();
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
