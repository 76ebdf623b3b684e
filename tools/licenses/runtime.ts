/**
 * The Deno runtime's own licence: a release carries the runtime (npm `@deno/linux-<cpu>-glibc`,
 * the version that builds it), whose package ships no licence file; the `deno` npm package of
 * the same version — the one `npx deno@<version>` runs, beside its binary — carries Deno's
 * LICENSE. Found from the running executable, so the notice is always the running version's.
 */
import { dirname, join } from "node:path";
import { NOTICE_FILE, type NoticeText, type PackageJson } from "./package_files.ts";

export interface RuntimeRead {
  version: string;
  json: PackageJson;
  notices: NoticeText[];
}

/** Deno's npm package around `execPath` (the folder of the binary), or a loud error. */
export async function readDenoRuntime(execPath = Deno.execPath()): Promise<RuntimeRead> {
  const dir = dirname(execPath);
  let json: PackageJson | null = null;
  try {
    json = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
  } catch { /* not an npm-installed deno */ }
  if (!json || (json.name !== "deno" && !String(json.name).startsWith("@deno/"))) {
    throw new Error(
      `the Deno runtime's licence is read from its npm package, but ${execPath} is not inside ` +
        "one: run the generator with npx -y deno@<version> (as README says)",
    );
  }
  if (json.version !== Deno.version.deno) {
    throw new Error(`${dir} holds Deno ${json.version}, but Deno ${Deno.version.deno} is running`);
  }
  const notices: NoticeText[] = [];
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && NOTICE_FILE.test(e.name)) names.push(e.name);
  }
  for (const name of names.sort()) {
    notices.push({ file: name, text: await Deno.readTextFile(join(dir, name)) });
  }
  if (notices.length === 0) throw new Error(`Deno's npm package at ${dir} has no LICENSE file`);
  return { version: Deno.version.deno, json, notices };
}
