/**
 * A real `indiserver` (Debian indi-bin) for tests: started on a free loopback port with the
 * simulator drivers a test names (indiserver cannot be told "any port", so a port is picked and,
 * should another process take it before indiserver binds, another one is tried), with HOME pointed at a temporary folder so the drivers' saved
 * configuration neither leaks in from nor out to the machine, and stopped (then waited for) at
 * the end. `restart()` kills it and starts it again on the same port, for the fault tests.
 * indiserver listens on every interface; the tests only ever connect through 127.0.0.1.
 */
import { waitListening } from "../../devices/indi/server_manager.ts";
import { MIN_DEADLINE_MS } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";

export interface IndiServerHandle {
  readonly port: number;
  /** Kills indiserver (SIGKILL: no goodbye to clients) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port, with the same drivers and config folder. */
  restart(): Promise<void>;
  /** Stops it and removes the config folder. */
  stop(): Promise<void>;
}

/** Whether indiserver is installed (tests that need it are ignored otherwise). */
export function hasIndiServer(): boolean {
  try {
    return Deno.statSync("/usr/bin/indiserver").isFile;
  } catch {
    return false;
  }
}

export async function startIndiServer(drivers: string[]): Promise<IndiServerHandle> {
  const home = await Deno.makeTempDir({ prefix: "osl-indi-" });
  let port = freePort();
  let child: Deno.ChildProcess | null = null;

  const spawn = async () => {
    const started = new Deno.Command("indiserver", {
      // -u: indiserver also binds an abstract local socket, /tmp/indiserver by default; a second
      // server (a parallel test file, a box's own) would fail with "Address already in use".
      args: ["-p", String(port), "-u", `${home}/indiserver.sock`, ...drivers],
      env: { HOME: home },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child = started;
    // A listener on the port is ours only if indiserver is still running: one that lost the port
    // to another process exits at once.
    const exited = started.status.then(() => "exited" as const);
    const listening = waitListening(port, MIN_DEADLINE_MS).then(() => "up" as const);
    listening.catch(() => {}); // once indiserver has exited, nobody waits for this any more
    const outcome = await Promise.race([listening, exited]);
    if (outcome === "exited") {
      child = null;
      throw new Error(`indiserver could not listen on port ${port}`);
    }
  };
  const kill = async (signal: Deno.Signal = "SIGKILL") => {
    const running = child;
    child = null;
    if (!running) return;
    try {
      running.kill(signal);
    } catch {
      // Exited already.
    }
    await running.status;
    // The drivers exit on EOF of their pipes; give them a moment so none outlives the test.
    await new Promise((r) => setTimeout(r, 100));
  };

  for (let attempt = 1;; attempt++) {
    try {
      await spawn();
      break;
    } catch (err) {
      if (attempt >= 3) throw err;
      port = freePort();
    }
  }
  return {
    get port() {
      return port;
    },
    kill: () => kill("SIGKILL"),
    restart: spawn,
    async stop() {
      // SIGTERM lets indiserver stop and reap its drivers (SIGKILL would orphan them).
      await kill("SIGTERM");
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}
