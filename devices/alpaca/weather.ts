/**
 * A remote Alpaca ObservingConditions plus SafetyMonitor behind our one Weather contract (the
 * options give both device numbers; without a SafetyMonitor the verdict is always safe). Sensors
 * are the members that do not answer 0x400. Reasons and the override come through our server's
 * custom actions when it offers them; a foreign SafetyMonitor gives one generic reason.
 */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type { Weather, WeatherCapabilities, WeatherConditions, WeatherStatus } from "../weather.ts";
import { AlpacaDriver } from "./base.ts";
import type { AlpacaWeatherOptions } from "./options.ts";
import { AlpacaHttp } from "./http.ts";

const SENSORS: [string, keyof WeatherConditions, string][] = [
  ["CloudCover", "cloudCoverPct", "cloudcover"],
  ["DewPoint", "dewPointC", "dewpoint"],
  ["Humidity", "humidityPct", "humidity"],
  ["Pressure", "pressureHPa", "pressure"],
  ["RainRate", "rainRateMmH", "rainrate"],
  ["SkyQuality", "skyQualityMagArcsec2", "skyquality"],
  ["SkyTemperature", "skyTemperatureC", "skytemperature"],
  ["StarFWHM", "starFwhmArcsec", "starfwhm"],
  ["Temperature", "temperatureC", "temperature"],
  ["WindDirection", "windDirectionDeg", "winddirection"],
  ["WindGust", "windGustMS", "windgust"],
  ["WindSpeed", "windSpeedMS", "windspeed"],
];
const REASONS_ACTION = "OpenSkyLab:UnsafeReasons";
const OVERRIDE_ACTION = "OpenSkyLab:OverrideSafety";

export class AlpacaWeather extends AlpacaDriver<WeatherStatus, AlpacaWeatherOptions>
  implements Weather {
  readonly kind = "weather";
  readonly capabilities: WeatherCapabilities = { sensors: [], canOverrideSafety: false };
  protected readonly stateMembers = Object.fromEntries(SENSORS.map(([n, , m]) => [n, m]));
  readonly #safety: AlpacaHttp | null;
  #canExplain = false;
  #s: WeatherStatus = {
    connected: false,
    conditions: Object.fromEntries(
      SENSORS.map(([, key]) => [key, null]),
    ) as unknown as WeatherConditions,
    safe: true,
    unsafeReasons: [],
    override: null,
    updatedAtMs: 0,
  };

  constructor(ctx: DriverContext<AlpacaWeatherOptions>) {
    super(ctx, "observingconditions");
    const n = this.options.safetyDeviceNumber;
    this.#safety = n === null ? null : new AlpacaHttp({
      host: this.options.host,
      port: this.options.port,
      type: "safetymonitor",
      deviceNumber: n,
      timeoutMs: this.options.timeoutMs,
    });
  }

  protected async load(): Promise<void> {
    const sensors: (keyof WeatherConditions)[] = [];
    for (const [, key, member] of SENSORS) {
      const present = await this.http.get(member).then(() => true, (err) =>
        // A sensor without a reading yet (0x402) is still a sensor; 0x400 means there is none.
        !/not implemented|0x400/i.test(String(err)));
      if (present) sensors.push(key);
    }
    this.capabilities.sensors = sensors;
    if (this.#safety) {
      await this.#safety.put("connected", { Connected: true });
      const actions = await this.#safety.get<string[]>("supportedactions").catch(() =>
        [] as string[]
      );
      this.#canExplain = actions.includes(REASONS_ACTION);
      this.capabilities.canOverrideSafety = actions.includes(OVERRIDE_ACTION);
    }
  }

  protected apply(state: Record<string, unknown>): void {
    const sensors = new Set(this.capabilities.sensors);
    for (const [name, key] of SENSORS) {
      const value = state[name];
      this.#s.conditions[key] = sensors.has(key) && typeof value === "number" ? value : null;
    }
    this.#s.updatedAtMs = this.ctx.clock.now();
  }

  protected snapshot(): WeatherStatus {
    return {
      ...this.#s,
      conditions: { ...this.#s.conditions },
      unsafeReasons: [...this.#s.unsafeReasons],
    };
  }

  override async connect(signal?: AbortSignal): Promise<void> {
    await super.connect(signal);
    await this.#readSafety();
    this.emit(true);
  }

  override async disconnect(): Promise<void> {
    await super.disconnect();
    await this.#safety?.put("connected", { Connected: false }).catch(() => {});
  }

  async refresh(): Promise<void> {
    this.requireConnected();
    await this.http.put("refresh").catch((err) => {
      if (!/not implemented/i.test(String(err))) throw err;
    });
    await this.#readSafety();
    await super.reload();
  }

  async overrideSafety(safe: boolean | null): Promise<void> {
    this.requireConnected();
    if (!this.capabilities.canOverrideSafety || !this.#safety) {
      throw conflict("This weather station's safety verdict cannot be overridden");
    }
    if (safe !== null && typeof safe !== "boolean") {
      throw new TypeError(`safe must be true, false or null, got ${JSON.stringify(safe)}`);
    }
    await this.#safety.put("action", { Action: OVERRIDE_ACTION, Parameters: String(safe) });
    this.#s.override = safe;
    await this.#readSafety();
    this.emit(true);
  }

  async #readSafety(): Promise<void> {
    if (!this.#safety) return;
    const safe = await this.#safety.get<boolean>("issafe");
    this.#s.safe = safe;
    this.#s.unsafeReasons = safe ? [] : this.#canExplain
      ? JSON.parse(
        await this.#safety.put("action", { Action: REASONS_ACTION, Parameters: "" }) as string,
      )
      : ["the Alpaca SafetyMonitor reports unsafe"];
  }
}
