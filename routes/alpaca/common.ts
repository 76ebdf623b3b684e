/**
 * The members every Alpaca device has (connected, name, action …, and Platform 7's connect,
 * disconnect, connecting, devicestate). The bridge keeps its own Connected per device: an Alpaca
 * client connecting makes sure the box's device is connected, but its disconnecting does not
 * disconnect a camera the box's own sequencer may be using; it only stops that Alpaca device
 * from taking commands (0x407) until a client connects again.
 */
import { AlpacaError, ASCOM } from "../../lib/alpaca/errors.ts";
import type { DeviceKind } from "../../devices/device.ts";
import type { AlpacaDeviceSource, DeviceType, MemberContext } from "./device_type.ts";

export class BridgeState {
  connected = false;
  connecting = false;
  lastConnectError: string | null = null;
}

type Common = (
  ctx: MemberContext<unknown>,
  t: DeviceType,
  state: BridgeState,
) => unknown;

function isUp(source: AlpacaDeviceSource, kind: DeviceKind): boolean {
  try {
    source.device(kind);
    return true;
  } catch {
    return false;
  }
}

async function connect(source: AlpacaDeviceSource, t: DeviceType, state: BridgeState) {
  state.connecting = true;
  try {
    await source.connect(t.kind);
    state.connected = true;
    state.lastConnectError = null;
  } catch (err) {
    state.lastConnectError = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    state.connecting = false;
  }
}

export function commonGet(version: string): Record<string, Common> {
  return {
    connected: (ctx, t, state) => state.connected && isUp(ctx.source, t.kind),
    connecting: (_ctx, _t, state) => state.connecting,
    description: (ctx, t) => ctx.source.info(t.kind)?.description || `OpenSkyLab ${t.kind}`,
    name: (ctx, t) => ctx.source.info(t.kind)?.name ?? `OpenSkyLab ${t.kind}`,
    driverinfo: (ctx, t) =>
      `OpenSkyLab Alpaca bridge to the box's ${t.kind} (driver "${
        ctx.source.info(t.kind)?.driver ?? "none"
      }")`,
    driverversion: () => version,
    interfaceversion: (_ctx, t) => t.interfaceVersion,
    supportedactions: (_ctx, t) => Object.keys(t.actions ?? {}),
    devicestate: (ctx, t) => {
      const nowMs = ctx.source.clock.now();
      const entries = Object.entries(t.deviceState(ctx.device() as never, nowMs));
      entries.push(["TimeStamp", new Date(nowMs).toISOString()]);
      return entries.map(([Name, Value]) => ({ Name, Value }));
    },
  };
}

export const COMMON_PUT: Record<string, Common> = {
  connected: async (ctx, t, state) => {
    if (ctx.params.bool("Connected")) await connect(ctx.source, t, state);
    else state.connected = false;
  },
  connect: (ctx, t, state) => {
    // Platform 7: returns at once; clients poll `connecting`, then read `connected`.
    connect(ctx.source, t, state).catch(() => {});
  },
  disconnect: (_ctx, _t, state) => {
    state.connected = false;
  },
  action: async (ctx, t) => {
    const name = ctx.params.string("Action");
    const parameters = ctx.params.string("Parameters");
    const device = ctx.device();
    const action = Object.entries(t.actions ?? {}).find(([n]) =>
      n.toLowerCase() === name.toLowerCase()
    )?.[1];
    if (!action) {
      throw new AlpacaError(ASCOM.actionNotImplemented, `action "${name}" is not supported`);
    }
    return await action(device as never, parameters);
  },
  commandblind: (ctx) => rawCommand(ctx, "commandblind"),
  commandbool: (ctx) => rawCommand(ctx, "commandbool"),
  commandstring: (ctx) => rawCommand(ctx, "commandstring"),
};

function rawCommand(ctx: MemberContext<unknown>, member: string): never {
  ctx.params.string("Command");
  ctx.params.string("Raw");
  throw new AlpacaError(ASCOM.notImplemented, `${member}: raw device commands are not supported`);
}
