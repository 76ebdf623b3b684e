/**
 * Builds the ZWO SDK stubs (asi_stub.c, eaf_stub.c, efw_stub.c) with gcc into a fresh temp
 * directory, once per test module, so each test file gets its own copy of the stubs' global
 * state. Also the stubs' test switches (fault code, exposure outcome, transfer rate), loaded
 * through a second dlopen of the same file, which shares the driver's copy of that state.
 */
export interface StubLibraries {
  asi: string;
  eaf: string;
  efw: string;
}

const SOURCES = { asi: "asi_stub.c", eaf: "eaf_stub.c", efw: "efw_stub.c" } as const;

let built: Promise<StubLibraries> | null = null;

/** Compiles all three stubs once for this module; the directory goes when the process ends. */
export function buildStubs(): Promise<StubLibraries> {
  built ??= compileAll();
  return built;
}

async function compileAll(): Promise<StubLibraries> {
  const dir = await Deno.makeTempDir({ prefix: "zwo_stubs_" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Already gone: nothing to clean.
    }
  });
  const entries = await Promise.all(
    Object.entries(SOURCES).map(async ([key, source]) => {
      const output = `${dir}/lib${key}_stub.so`;
      await compile(sourcePath(source), output);
      return [key, output] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as StubLibraries;
}

/** Absolute path of a file beside this module. */
export function sourcePath(name: string): string {
  return decodeURIComponent(new URL(name, import.meta.url).pathname);
}

export async function compile(source: string, output: string, extra: string[] = []) {
  const { code, stderr } = await new Deno.Command("gcc", {
    args: [
      "-shared",
      "-fPIC",
      "-O2",
      "-Wall",
      "-Werror",
      "-pthread",
      ...extra,
      "-o",
      output,
      source,
      "-lm",
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`gcc failed for ${source}:\n${new TextDecoder().decode(stderr)}`);
  }
}

/** Compiles without linking (`-c`): enough for _Static_assert checks on another data model. */
export async function compileOnly(source: string, output: string, extra: string[] = []) {
  const { code, stderr } = await new Deno.Command("gcc", {
    args: ["-c", "-std=c11", ...extra, "-o", output, source],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`gcc -c failed for ${source}:\n${new TextDecoder().decode(stderr)}`);
  }
}

const SWITCHES = {
  asi_stub_set_fault: { parameters: ["i32"], result: "void" },
  asi_stub_set_exposure_outcome: { parameters: ["i32"], result: "void" },
  asi_stub_set_transfer_rate: { parameters: ["f64"], result: "void" },
} as const;

/** The ASI stub's switches; close it at the end of the test (it is a resource). */
export function asiSwitches(path: string): Deno.DynamicLibrary<typeof SWITCHES> {
  return Deno.dlopen(path, SWITCHES);
}

/** Sets the EAF or EFW stub's fault code (0 clears it). */
export function setMotorFault(path: string, sdk: "eaf" | "efw", code: number): void {
  const name = `${sdk}_stub_set_fault`;
  const lib = Deno.dlopen(path, { [name]: { parameters: ["i32"], result: "void" } } as const);
  try {
    (lib.symbols[name] as (code: number) => void)(code);
  } finally {
    lib.close();
  }
}
