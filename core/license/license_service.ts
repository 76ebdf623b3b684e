/**
 * What the box tells about licences: its own, every third-party component it ships (the
 * inventory `deno task licenses` generated at build time into third_party.generated.json, read
 * on first use and checked against its schema), and the Debian packages of the system it runs
 * on, read from dpkg at run time and kept until dpkg's database changes. Lists are small; a
 * notice text is handed out only for the component asked for.
 */
import type { z } from "zod";
import { notFound } from "../../lib/errors.ts";
import {
  type ComponentNoticeDto,
  type ComponentSummaryDto,
  type DebianNoticeDto,
  type DebianPackagesDto,
  type DebianSummaryDto,
  type LicenseSummaryDto,
  type ProjectNoticeDto,
  type ThirdPartyComponentT,
  ThirdPartyDocument,
  type ThirdPartyDocumentT,
} from "../schemas/license.ts";
import {
  DEBIAN_PATHS,
  type DebianInventory,
  type DebianPaths,
  parseDpkgStatus,
  prettyName,
  readCopyrightFile,
  readDebianInventory,
  unavailableReason,
} from "./debian_packages.ts";

export interface LicenseServiceOptions {
  /** Where dpkg's database and the copyright files are (tests point at recorded ones). */
  debian?: DebianPaths;
  /** The inventory; by default the generated file beside this module. */
  inventory?: () => Promise<unknown>;
}

async function generatedInventory(): Promise<unknown> {
  return (await import("./third_party.generated.json", { with: { type: "json" } })).default;
}

export class LicenseService {
  readonly #debian: DebianPaths;
  readonly #load: () => Promise<unknown>;
  #inventory: Promise<ThirdPartyDocumentT> | null = null;
  #debianCache: { mtimeMs: number | null; inventory: Promise<DebianInventory> } | null = null;

  constructor(o: LicenseServiceOptions = {}) {
    this.#debian = o.debian ?? DEBIAN_PATHS;
    this.#load = o.inventory ?? generatedInventory;
  }

  /** The generated inventory, validated once. A broken file is a build defect: it throws. */
  inventory(): Promise<ThirdPartyDocumentT> {
    return this.#inventory ??= this.#load().then((raw) => {
      const parsed = ThirdPartyDocument.safeParse(raw);
      if (!parsed.success) {
        this.#inventory = null;
        throw new Error(
          `core/license/third_party.generated.json is not a licence inventory ` +
            `(${parsed.error.issues[0]?.message}): run deno task licenses`,
        );
      }
      return parsed.data;
    });
  }

  async summary(): Promise<z.infer<typeof LicenseSummaryDto>> {
    const doc = await this.inventory();
    const count = (use: string) => doc.components.filter((c) => c.use === use).length;
    const { notice, ...project } = doc.project;
    return {
      project: { ...project, notice_bytes: notice?.bytes ?? null },
      counts: {
        components: doc.components.length,
        shipped: count("shipped"),
        test: count("test"),
        platform: count("platform"),
        types: count("types"),
        without_notice: doc.components.filter((c) => c.notices.length === 0).length,
        unknown_licence: doc.components.filter((c) => c.licence === null).length,
      },
      components: doc.components.map(summarize),
      debian: await this.#debianSummary(),
    };
  }

  async project(): Promise<z.infer<typeof ProjectNoticeDto>> {
    const doc = await this.inventory();
    const { notice, ...project } = doc.project;
    return {
      ...project,
      notice: notice && { file: notice.file, text: doc.texts[notice.sha256] ?? "" },
    };
  }

  /** Every component called `name` (each version, or only `version`), with its notice texts. */
  async notices(name: string, version?: string): Promise<z.infer<typeof ComponentNoticeDto>[]> {
    const doc = await this.inventory();
    const named = doc.components.filter((c) => c.name === name);
    if (named.length === 0) throw notFound(`No component called "${name}" is listed`);
    const chosen = version === undefined ? named : named.filter((c) => c.version === version);
    if (chosen.length === 0) {
      throw notFound(
        `${name} ${version} is not listed; versions: ${named.map((c) => c.version).join(", ")}`,
      );
    }
    return chosen.map((c) => ({
      ...summarize(c),
      notices: c.notices.map((n) => ({ file: n.file, text: doc.texts[n.sha256] ?? "" })),
    }));
  }

  async debianPackages(): Promise<z.infer<typeof DebianPackagesDto>> {
    const inv = await this.#debianInventory();
    return inv.available
      ? { available: true, os: inv.os, reason: null, packages: inv.packages }
      : { available: false, os: null, reason: inv.reason, packages: [] };
  }

  async debianNotice(name: string): Promise<z.infer<typeof DebianNoticeDto>> {
    const inv = await this.#debianInventory();
    if (!inv.available) throw notFound(`No Debian packages here: ${inv.reason}`);
    const packages = inv.packages.filter((p) => p.name === name);
    if (packages.length === 0) throw notFound(`The Debian package "${name}" is not installed`);
    return { name, packages, copyright: await readCopyrightFile(this.#debian, name) };
  }

  async #statusMtime(): Promise<number | null> {
    return await Deno.stat(this.#debian.statusPath).then(
      (s) => s.mtime?.getTime() ?? 0,
      () => null,
    );
  }

  /** Read once, again only when dpkg's database changes (an upgrade installs packages). */
  async #debianInventory(): Promise<DebianInventory> {
    const mtimeMs = await this.#statusMtime();
    if (this.#debianCache?.mtimeMs !== mtimeMs) {
      const inventory = readDebianInventory(this.#debian);
      this.#debianCache = { mtimeMs, inventory };
      inventory.catch(() => this.#debianCache = null);
    }
    return await this.#debianCache!.inventory;
  }

  /** Counting the packages needs only the status file, not every copyright file. */
  async #debianSummary(): Promise<z.infer<typeof DebianSummaryDto>> {
    let status: string;
    try {
      status = await Deno.readTextFile(this.#debian.statusPath);
    } catch (err) {
      return {
        available: false,
        os: null,
        package_count: null,
        reason: unavailableReason(this.#debian, err),
      };
    }
    const os = await Deno.readTextFile(this.#debian.osReleasePath).then(prettyName, () => null);
    return { available: true, os, package_count: parseDpkgStatus(status).length, reason: null };
  }
}

function summarize(c: ThirdPartyComponentT): z.infer<typeof ComponentSummaryDto> {
  return {
    kind: c.kind,
    name: c.name,
    version: c.version,
    licence: c.licence,
    licence_problem: c.licence_problem,
    use: c.use,
    shipped_in: c.shipped_in,
    platforms: c.platforms,
    repository: c.repository,
    notice_missing: c.notice_missing,
    notice_bytes: c.notices.reduce((sum, n) => sum + n.bytes, 0),
  };
}
