/**
 * A remote ASCOM Alpaca Telescope that speaks JNow, as most real ones do: it reports
 * EquatorialSystem 1 (equTopocentric, "JNow") and its RightAscension/Declination, and those it
 * is sent, are of date. Our own Alpaca server always says J2000, so the Alpaca client's epoch
 * handling needs this peer to be tested at all; no ASCOM simulator runs here (they are .NET).
 * The sky behind it is the serial simulators' MountModel (finite slews, tracking, park at the
 * pole, horizon limit). Only the members our client and the contract use are served; the wire
 * format follows alpaca.md: 200 with ErrorNumber for ASCOM failures, 400 for a missing or
 * malformed parameter, transaction IDs echoed and counted.
 */
import { equatorialToHorizontal } from "../../lib/astro/coords.ts";
import type { Site } from "../../devices/device.ts";
import type { TrackingMode } from "../../devices/mount.ts";
import { MountModel } from "./serial/_mount_model.ts";

const NOT_CONNECTED = 0x407;
const INVALID_VALUE = 0x401;
const INVALID_WHILE_PARKED = 0x408;
const NOT_IMPLEMENTED = 0x400;
const RATES: Exclude<TrackingMode, "off">[] = ["sidereal", "lunar", "solar"];
const GUIDE = ["n", "s", "e", "w"] as const;

class Failure extends Error {
  constructor(readonly errorNumber: number, message: string) {
    super(message);
  }
}

class BadRequest extends Error {}

export class FakeAlpacaTelescope {
  readonly model: MountModel;
  /** Every PUT seen, with its form, for assertions. */
  readonly puts: { member: string; form: Record<string, string> }[] = [];
  #site: Site;
  #connected = false;
  #rate: Exclude<TrackingMode, "off"> = "sidereal";
  #pulseUntilMs = 0;
  #serverTransactionId = 0;
  #server: Deno.HttpServer<Deno.NetAddr> | null = null;

  constructor(site: Site, slewRateDegPerS = 60) {
    this.#site = site;
    this.model = new MountModel(site, slewRateDegPerS);
  }

  get port(): number {
    if (!this.#server) throw new Error("the fake Alpaca telescope is not listening");
    return this.#server.addr.port;
  }

  start(): void {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#handle(request),
    );
  }

  async stop(): Promise<void> {
    await this.#server?.shutdown();
    this.#server = null;
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const match = /^\/api\/v1\/telescope\/0\/([a-z]+)$/.exec(url.pathname);
    if (!match) return new Response(`no such endpoint ${url.pathname}`, { status: 400 });
    const member = match[1]!;
    const params = request.method === "PUT"
      ? new URLSearchParams(await request.text())
      : url.searchParams;
    const clientTransactionId = Number(params.get("ClientTransactionID") ?? 0);
    const reply = (body: Record<string, unknown>) =>
      Response.json({
        ClientTransactionID: clientTransactionId,
        ServerTransactionID: ++this.#serverTransactionId,
        ErrorNumber: 0,
        ErrorMessage: "",
        ...body,
      });
    try {
      if (request.method === "PUT") {
        const form = Object.fromEntries(params);
        this.puts.push({ member, form });
        this.#put(member, form);
        return reply({});
      }
      return reply({ Value: this.#get(member) });
    } catch (err) {
      if (err instanceof BadRequest) return new Response(err.message, { status: 400 });
      if (err instanceof Failure) {
        return reply({ ErrorNumber: err.errorNumber, ErrorMessage: err.message });
      }
      throw err;
    }
  }

  #get(member: string): unknown {
    const model = this.model;
    switch (member) {
      case "connected":
        return this.#connected;
      case "name":
        return "JNow Telescope";
      case "description":
        return "A simulated telescope that speaks JNow";
      case "driverversion":
        return "1.0";
      case "interfaceversion":
        return 4;
      case "alignmentmode":
        return 2;
      case "equatorialsystem":
        return 1; // equTopocentric: coordinates of date
      case "canpark":
      case "cansync":
      case "canpulseguide":
        return true;
      case "trackingrates":
        return [0, 1, 2];
      case "trackingrate":
        return RATES.indexOf(this.#rate);
    }
    this.#requireConnected();
    model.update();
    const horizontal = equatorialToHorizontal(model.position, model.lst(), this.#site.latitudeDeg);
    const state: Record<string, unknown> = {
      rightascension: model.position.raHours,
      declination: model.position.decDeg,
      altitude: horizontal.altDeg,
      azimuth: horizontal.azDeg,
      siderealtime: model.lst(),
      slewing: model.slewing,
      tracking: model.tracking !== "off",
      atpark: model.parked,
      athome: false,
      ispulseguiding: Date.now() < this.#pulseUntilMs,
      sideofpier: model.pierSide === "east" ? 0 : 1,
    };
    if (member === "devicestate") {
      const names: Record<string, string> = {
        rightascension: "RightAscension",
        declination: "Declination",
        altitude: "Altitude",
        azimuth: "Azimuth",
        siderealtime: "SiderealTime",
        slewing: "Slewing",
        tracking: "Tracking",
        atpark: "AtPark",
        athome: "AtHome",
        ispulseguiding: "IsPulseGuiding",
        sideofpier: "SideOfPier",
      };
      return [
        ...Object.entries(names).map(([key, Name]) => ({ Name, Value: state[key] })),
        { Name: "TimeStamp", Value: new Date().toISOString() },
      ];
    }
    if (member in state) return state[member];
    throw new Failure(NOT_IMPLEMENTED, `${member} is not implemented by this fake`);
  }

  #put(member: string, form: Record<string, string>): void {
    const model = this.model;
    if (member === "connected") {
      this.#connected = boolean(form, "Connected");
      return;
    }
    this.#requireConnected();
    model.update();
    switch (member) {
      case "slewtocoordinatesasync": {
        const target = coordinates(form);
        this.#refuseParked("SlewToCoordinatesAsync");
        if (model.goto(target) === 1) {
          throw new Failure(INVALID_VALUE, "the target is below the horizon");
        }
        return;
      }
      case "synctocoordinates":
        this.#refuseParked("SyncToCoordinates");
        model.sync(coordinates(form));
        return;
      case "abortslew":
        this.#refuseParked("AbortSlew");
        model.abort();
        this.#pulseUntilMs = 0;
        return;
      case "park":
        model.park();
        return;
      case "unpark":
        // Like most mounts (and our contract), tracking comes back on at unpark.
        model.unpark();
        model.setTracking(this.#rate);
        return;
      case "tracking": {
        const on = boolean(form, "Tracking");
        if (on) this.#refuseParked("Tracking");
        model.setTracking(on ? this.#rate : "off");
        return;
      }
      case "trackingrate": {
        const rate = RATES[integer(form, "TrackingRate")];
        if (!rate) throw new Failure(INVALID_VALUE, `TrackingRate ${form.TrackingRate}`);
        this.#rate = rate;
        if (model.tracking !== "off") model.setTracking(rate);
        return;
      }
      case "pulseguide": {
        const direction = GUIDE[integer(form, "Direction")];
        const durationMs = integer(form, "Duration");
        if (!direction || durationMs < 0) {
          throw new Failure(INVALID_VALUE, "Direction must be 0..3, Duration ≥ 0");
        }
        this.#refuseParked("PulseGuide");
        model.guide(direction, durationMs);
        this.#pulseUntilMs = Date.now() + durationMs;
        return;
      }
      default:
        throw new Failure(NOT_IMPLEMENTED, `${member} is not implemented by this fake`);
    }
  }

  #requireConnected(): void {
    if (!this.#connected) throw new Failure(NOT_CONNECTED, "the telescope is not connected");
  }

  #refuseParked(what: string): void {
    this.model.update();
    if (this.model.parked) throw new Failure(INVALID_WHILE_PARKED, `${what}: the mount is parked`);
  }
}

function coordinates(form: Record<string, string>) {
  const raHours = number(form, "RightAscension");
  const decDeg = number(form, "Declination");
  if (raHours < 0 || raHours >= 24 || Math.abs(decDeg) > 90) {
    throw new Failure(INVALID_VALUE, `RA ${raHours} h / Dec ${decDeg}° out of range`);
  }
  return { raHours, decDeg };
}

function number(form: Record<string, string>, key: string): number {
  const value = Number(form[key]);
  if (form[key] === undefined || form[key] === "" || !Number.isFinite(value)) {
    throw new BadRequest(`${key} is missing or not a number`);
  }
  return value;
}

function integer(form: Record<string, string>, key: string): number {
  const value = number(form, key);
  if (!Number.isInteger(value)) throw new BadRequest(`${key} is not an integer`);
  return value;
}

function boolean(form: Record<string, string>, key: string): boolean {
  const value = form[key]?.toLowerCase();
  if (value !== "true" && value !== "false") throw new BadRequest(`${key} is not true/false`);
  return value === "true";
}
