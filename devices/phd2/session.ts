/**
 * Opening a PHD2 session: connect the socket, read the catch-up PHD2 sends to every new client
 * (Version, LockPositionSet, StarSelected, CalibrationComplete, StartGuiding/StartCalibration/
 * Paused, then AppState: phd2.md, Transport) into a fresh state tracker, then ask for the pixel
 * scale and make sure the equipment is connected. Until the session is ready its events go
 * straight to the tracker and a dropped socket fails the open; afterwards both go to the
 * driver's handlers, which can tell a stale session from the current one by identity.
 */
import type { Logger } from "../../lib/log.ts";
import { Phd2Connection, type Phd2Event } from "./connection.ts";
import type { Phd2Setup } from "./options.ts";
import type { Phd2StateTracker } from "./state_tracker.ts";

export interface Session {
  readonly conn: Phd2Connection;
  /** get_pixel_scale at connect: arcsec per guide-camera pixel, null when PHD2 does not know. */
  readonly pixelScaleArcsec: number | null;
}

export interface SessionHandlers {
  onEvent(session: Session, event: Phd2Event): void;
  onClosed(session: Session, reason: string): void;
  log: Logger;
}

/** Connecting PHD2's camera and mount can take a while (USB enumeration, an ASCOM chooser). */
const SET_CONNECTED_TIMEOUT_MS = 60_000;

export async function openSession(
  options: Phd2Setup,
  tracker: Phd2StateTracker,
  handlers: SessionHandlers,
  signal?: AbortSignal,
): Promise<Session> {
  const caughtUp = Promise.withResolvers<void>();
  caughtUp.promise.catch(() => {}); // observed below; a drop before then must not be unhandled
  let ready = false;
  let session: Session | null = null;
  const conn = await Phd2Connection.open(
    options.host,
    options.port,
    {
      onEvent(event) {
        if (ready && session) return handlers.onEvent(session, event);
        tracker.apply(event);
        if (event.Event === "AppState") caughtUp.resolve();
      },
      onClosed(reason) {
        if (ready && session) handlers.onClosed(session, reason);
        else caughtUp.reject(new Error(reason));
      },
      onJunk(line) {
        handlers.log.warn("PHD2 sent a line that is not JSON", { line: line.slice(0, 200) });
      },
    },
    options.requestTimeoutMs,
    signal,
  );
  const timer = setTimeout(
    () => caughtUp.reject(new Error(`PHD2 sent no AppState within ${options.requestTimeoutMs} ms`)),
    options.requestTimeoutMs,
  );
  const onAbort = () => caughtUp.reject(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await caughtUp.promise;
    signal?.throwIfAborted();
    const scale = await conn.call("get_pixel_scale");
    const pixelScaleArcsec = typeof scale === "number" && scale > 0 ? scale : null;
    if (options.connectEquipment && (await conn.call("get_connected")) !== true) {
      await conn.call("set_connected", [true], SET_CONNECTED_TIMEOUT_MS);
    }
    signal?.throwIfAborted();
    session = { conn, pixelScaleArcsec };
    ready = true;
    return session;
  } catch (err) {
    await conn.close();
    throw err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
