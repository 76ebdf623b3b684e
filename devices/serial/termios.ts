/**
 * Our own small binding of the libc tty calls the serial drivers need, through Deno FFI: open,
 * tcgetattr/tcsetattr with cfmakeraw and cfset[io]speed, tcflush, poll, read, write, close. Only
 * Linux glibc on x86_64, aarch64 and armhf is supported; those three share the generic termios
 * ABI, so one layout and one set of constants serves them all (alpha, mips, ppc and sparc differ
 * and are refused). The library is reference-counted: the first open port loads libc and the last
 * close unloads it, so nothing outlives the ports (Deno's leak sanitizer counts a loaded library
 * as a resource). `poll` is declared `nonblocking` so a wait runs on a worker thread and never
 * stalls the event loop; `read`/`write` run on the main thread on an O_NONBLOCK fd, where they
 * return at once, which also lets `errno` be read back on the same thread that set it.
 */

/**
 * `struct termios` as glibc lays it out on the generic Linux ABI (x86_64, aarch64, armhf):
 * four 32-bit flag words, `c_line` (1 byte), `c_cc[NCCS = 32]`, 3 bytes of padding to align,
 * then `c_ispeed` and `c_ospeed` (32-bit each). sizeof = 60 on all three (checked against a real
 * tty in termios_test.ts: tcgetattr writes nothing past byte 60).
 */
export const TERMIOS_LAYOUT = {
  sizeBytes: 60,
  iflagOffset: 0,
  oflagOffset: 4,
  cflagOffset: 8,
  lflagOffset: 12,
  lineOffset: 16,
  ccOffset: 17,
  nccs: 32,
  ispeedOffset: 52,
  ospeedOffset: 56,
} as const;

/** Indices into c_cc (asm-generic/termbits.h). */
export const VTIME = 5;
export const VMIN = 6;

/** c_cflag bits (octal in termbits.h). */
export const CSIZE = 0o60;
export const CS8 = 0o60;
export const CSTOPB = 0o100;
export const CREAD = 0o200;
export const PARENB = 0o400;
export const HUPCL = 0o2000;
export const CLOCAL = 0o4000;
export const CBAUD = 0o10017;
export const CRTSCTS = 0o20000000000;

/** open(2) flags on the generic ABI. */
export const O_RDWR = 2;
export const O_NOCTTY = 0o400;
export const O_NONBLOCK = 0o4000;
export const TCSANOW = 0;
export const TCIFLUSH = 0;
export const TCIOFLUSH = 2;
export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;

/** errno values the port tells apart. */
export const ERRNO = {
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  EACCES: 13,
  EBUSY: 16,
  ENODEV: 19,
} as const;

/**
 * Speed codes: B0…B38400 are 0…15 in order, the higher rates set the CBAUDEX bit (0o10000) and
 * count from 1 (B57600 = 0o10001). Computed rather than tabled so the rule is stated once.
 */
const LOW_RATES = [
  0,
  50,
  75,
  110,
  134,
  150,
  200,
  300,
  600,
  1200,
  1800,
  2400,
  4800,
  9600,
  19200,
  38400,
];
const HIGH_RATES = [57600, 115200, 230400, 460800];
const CBAUDEX = 0o10000;
/** Every rate `speedCode` accepts (B0, "hang up", is not a rate). */
export const BAUD_RATES: readonly number[] = [...LOW_RATES.slice(1), ...HIGH_RATES];

export function speedCode(baud: number): number {
  const low = LOW_RATES.indexOf(baud);
  if (low > 0) return low;
  const high = HIGH_RATES.indexOf(baud);
  if (high >= 0) return CBAUDEX | (high + 1);
  throw new RangeError(
    `baud must be one of ${BAUD_RATES.join(", ")}, got ${baud}`,
  );
}

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32" },
  tcsetattr: { parameters: ["i32", "i32", "buffer"], result: "i32" },
  tcflush: { parameters: ["i32", "i32"], result: "i32" },
  cfmakeraw: { parameters: ["buffer"], result: "void" },
  cfsetispeed: { parameters: ["buffer", "u32"], result: "i32" },
  cfsetospeed: { parameters: ["buffer", "u32"], result: "i32" },
  cfgetospeed: { parameters: ["buffer"], result: "u32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

let library: Deno.DynamicLibrary<typeof SYMBOLS> | null = null;
let users = 0;

function assertPlatform(): void {
  const { os, arch } = Deno.build;
  // Deno reports armhf as "arm"; its termios matches the generic ABI too.
  if (os !== "linux" || !["x86_64", "aarch64", "arm"].includes(arch)) {
    throw new Error(`the serial binding supports Linux x86_64/aarch64/armhf, not ${os} ${arch}`);
  }
}

/** Loads libc (or counts one more user of it). Pair every call with `releaseLibc()`. */
export function acquireLibc(): Libc {
  assertPlatform();
  library ??= Deno.dlopen("libc.so.6", SYMBOLS);
  users++;
  return library.symbols;
}

/** Drops one user; the last one unloads libc. */
export function releaseLibc(): void {
  if (users === 0) return;
  users--;
  if (users === 0 && library) {
    library.close();
    library = null;
  }
}

/** The calling thread's errno; valid only right after a synchronous call on this thread. */
export function errno(libc: Libc): number {
  const pointer = libc.__errno_location();
  return pointer === null ? 0 : new Deno.UnsafePointerView(pointer).getInt32();
}

/** A NUL-terminated C string. */
export function cString(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/**
 * Puts an open tty in raw 8N1 at `baud`: cfmakeraw (no echo, no line editing, no CR/LF
 * translation, 8 data bits, no parity), one stop bit, receiver on, modem lines ignored, no
 * hardware flow control; VMIN = VTIME = 0 because the port waits with poll() itself.
 */
export function configureRaw(libc: Libc, fd: number, baud: number): void {
  const code = speedCode(baud);
  const termios = new Uint8Array(TERMIOS_LAYOUT.sizeBytes);
  if (libc.tcgetattr(fd, termios) !== 0) {
    throw new Error(`tcgetattr failed (errno ${errno(libc)}): not a tty?`);
  }
  libc.cfmakeraw(termios);
  const view = new DataView(termios.buffer);
  let cflag = view.getUint32(TERMIOS_LAYOUT.cflagOffset, true);
  cflag &= ~(CSTOPB | PARENB | CSIZE | CRTSCTS | HUPCL);
  cflag |= CS8 | CREAD | CLOCAL;
  view.setUint32(TERMIOS_LAYOUT.cflagOffset, cflag >>> 0, true);
  termios[TERMIOS_LAYOUT.ccOffset + VMIN] = 0;
  termios[TERMIOS_LAYOUT.ccOffset + VTIME] = 0;
  if (libc.cfsetispeed(termios, code) !== 0 || libc.cfsetospeed(termios, code) !== 0) {
    throw new Error(`cfsetspeed(${baud}) failed (errno ${errno(libc)})`);
  }
  if (libc.tcsetattr(fd, TCSANOW, termios) !== 0) {
    throw new Error(`tcsetattr failed (errno ${errno(libc)})`);
  }
}
