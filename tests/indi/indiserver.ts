/**
 * A real `indiserver` (Debian indi-bin) for tests: started on a free loopback port with the
 * simulator drivers a test names, with HOME pointed at a temporary folder so the drivers' saved
 * configuration neither leaks in from nor out to the machine, and stopped (then waited for) at
 * the end. `restart()` kills it and starts it again on the same port, for the fault tests.
 * indiserver listens on every interface; the tests only ever connect through 127.0.0.1.
 */
import { waitListening } from "../../devices/indi/server_manager.ts";
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
  const port = freePort();
  let child: Deno.ChildProcess | null = null;

  const spawn = async () => {
    child = new Deno.Command("indiserver", {
      // -u: indiserver also binds an abstract local socket, /tmp/indiserver by default; a second
      // server (a parallel test file, a box's own) would fail with "Address already in use".
      args: ["-p", String(port), "-u", `${home}/indiserver.sock`, ...drivers],
      env: { HOME: home },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitListening(port, 5000);
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

  await spawn();
  return {
    port,
    kill: () => kill("SIGKILL"),
    restart: spawn,
    async stop() {
      // SIGTERM lets indiserver stop and reap its drivers (SIGKILL would orphan them).
      await kill("SIGTERM");
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}
