/**
 * Lists the serial ports udev names under /dev/serial/by-id, with vendor, product and serial
 * number parsed from the link names, so the phone can offer "FTDI FT232R USB UART" rather than
 * ask for /dev/ttyUSB0. udev builds each name as `<bus>-<vendor>_<product>_<serial>-if<NN>[-port<N>]`
 * with spaces and unsafe characters turned into underscores (runs of them collapse here); vendor and serial never contain an underscore in practice,
 * so the first and last underscore-separated fields are taken as vendor and serial and the middle
 * as the product.
 */

export interface SerialPortInfo {
  /** The stable by-id path (use this in profiles: it survives replugging). */
  path: string;
  /** What the link points at, e.g. /dev/ttyUSB0; null when it dangles. */
  devicePath: string | null;
  bus: string;
  vendor: string;
  product: string;
  serialNumber: string;
  /** USB interface number, e.g. 0 for `-if00`; null when the name has none. */
  interfaceNumber: number | null;
}

export const BY_ID_DIR = "/dev/serial/by-id";

const NAME_PATTERN = /^([a-z0-9]+)-(.+?)(?:-if(\d+))?(?:-port\d+)?$/i;

/** Parses one by-id link name; null when it does not follow udev's pattern. */
export function parseByIdName(name: string): Omit<SerialPortInfo, "path" | "devicePath"> | null {
  const match = NAME_PATTERN.exec(name);
  if (!match) return null;
  const [, bus, body, ifNumber] = match as unknown as [string, string, string, string | undefined];
  const fields = body.split("_").filter((field) => field !== "");
  const vendor = fields.length >= 3 ? fields[0]! : fields[0] ?? "";
  const serialNumber = fields.length >= 3 ? fields[fields.length - 1]! : fields[1] ?? "";
  const product = fields.length >= 3 ? fields.slice(1, -1).join(" ") : "";
  return {
    bus,
    vendor,
    product,
    serialNumber,
    interfaceNumber: ifNumber === undefined ? null : Number(ifNumber),
  };
}

/** The ports under `dir` (default /dev/serial/by-id), sorted by path; [] when there are none. */
export async function listSerialPorts(dir = BY_ID_DIR): Promise<SerialPortInfo[]> {
  const ports: SerialPortInfo[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const parsed = parseByIdName(entry.name);
      if (!parsed) continue;
      const path = `${dir}/${entry.name}`;
      const devicePath = await Deno.realPath(path).catch(() => null);
      ports.push({ path, devicePath, ...parsed });
    }
  } catch (err) {
    // No USB serial adapter plugged in: udev has not created the directory at all.
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return ports.sort((a, b) => a.path.localeCompare(b.path));
}
