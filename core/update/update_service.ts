/**
 * Over-the-air updates as the API sees them. A release reaches the box by a check (the signed
 * descriptor from a configured URL, then its tarball) or an upload from the phone; either way it
 * is streamed to disk under a bound, verified with the key built into the running release
 * (verify.ts) and kept in `update/staged/`. Apply hands it to the root side: it writes
 * `request.json` and starts `openskylab-update.service`, which installs it beside the running
 * release, backs the database up, switches `current` and restarts this service; the new release
 * then judges itself (gate.ts) and the unit rolls back when it does not confirm in time. Apply and
 * rollback are refused (409, with the reason) while a sequence or plan runs, and on a box that is
 * not an installed release — a source checkout has nothing to switch.
 */
import { join } from "node:path";
import { conflict } from "../../lib/errors.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { StagedRelease, UpdateState, UpdateStatus } from "../schemas/update.ts";
import { StagedReleaseDto } from "../schemas/update.ts";
import type { BuildInfo } from "../system/build_info.ts";
import {
  type Installation,
  readApplied,
  readJson,
  readLast,
  readPending,
  type UpdatePaths,
  updatePaths,
  writeJsonAtomic,
} from "./layout.ts";
import {
  drain,
  maxReleaseBytesFor,
  type Metered,
  metered,
  tooLarge,
  tooLittleDisk,
  unpackRoomBytes,
} from "./transfer.ts";
import { boxArch, checkFloor, trustedKey, verifyDescriptor, verifyStream } from "./verify.ts";
import { compareVersions } from "./version.ts";

export const UPDATE_UNIT = "openskylab-update.service";
export const ROLLBACK_UNIT = "openskylab-rollback.service";

export interface UpdateSettings {
  /** Descriptor URL (`{arch}` is replaced); "" = none configured. */
  url: string;
  maxReleaseBytes: number;
  /** A descriptor or tarball transfer that takes longer than this fails. */
  fetchTimeoutMs: number;
}

export interface UpdateServiceDeps {
  dataDir: string;
  installDir: string;
  clock: Clock;
  bus: EventBus;
  log: Logger;
  build: () => BuildInfo;
  settings: UpdateSettings;
  installation: () => Promise<Installation>;
  /** Why an apply must wait (a sequence or plan runs), or null. */
  busy: () => Promise<string | null>;
  freeBytes: (dir: string) => Promise<number>;
  /** Starts a systemd unit without waiting for it (`systemctl start --no-block`). */
  startUnit: (unit: string) => Promise<void>;
  fetch?: typeof fetch;
}

export class UpdateService {
  readonly #d: UpdateServiceDeps;
  readonly #paths: UpdatePaths;
  #state: UpdateState = "idle";
  #message: string | null = null;
  #available: UpdateStatus["available"] = null;
  #progress: UpdateStatus["progress"] = null;
  #staged: StagedRelease | null = null;
  /** One check, upload or apply at a time. */
  #working = false;
  /** When apply or rollback handed over to the root side (Unix seconds, as last.json's at_s). */
  #handedOverS: number | null = null;

  constructor(deps: UpdateServiceDeps) {
    this.#d = deps;
    this.#paths = updatePaths(deps.dataDir);
  }

  get paths(): UpdatePaths {
    return this.#paths;
  }

  /** Empties what a crash left half-received and reads what is staged. */
  async init(): Promise<void> {
    await Deno.remove(this.#paths.incoming, { recursive: true }).catch(() => {});
    await Deno.mkdir(this.#paths.incoming, { recursive: true });
    this.#staged = await readJson(this.#paths.stagedRecord, StagedReleaseDto);
    // A staged release the box now runs (or is past) is of no further use.
    if (this.#staged && compareVersions(this.#staged.version, this.#d.build().version) === 0) {
      await this.#dropStaged();
    }
    if (this.#staged) this.#state = "ready";
  }

  async status(): Promise<UpdateStatus> {
    const build = this.#d.build();
    const inst = await this.#d.installation();
    const pending = await readPending(this.#paths);
    const last = await readLast(this.#paths);
    // The root side ended an apply or rollback without restarting this process into another
    // release (it aborted, e.g. the staged release did not install): say how, instead of
    // "applying" for ever.
    if (
      this.#state === "applying" && pending === null && last !== null &&
      this.#handedOverS !== null && last.at_s >= this.#handedOverS
    ) {
      this.#handedOverS = null;
      this.#setState(
        this.#staged ? "ready" : "failed",
        `${last.result} (${last.from} → ${last.to})${last.reason ? `: ${last.reason}` : ""}`,
      );
    }
    // What the update that installed this release came from, even after a later update failed.
    const applied = await readApplied(this.#paths);
    const previous = applied?.to === build.version ? applied.from : null;
    return {
      state: pending && this.#state !== "failed" ? "applying" : this.#state,
      message: this.#message,
      running: {
        version: build.version,
        kind: build.kind,
        installed: inst.installed,
        reason: inst.reason,
      },
      available: this.#available,
      staged: this.#staged,
      progress: this.#progress,
      pending: pending ? { from: pending.from, to: pending.to, phase: pending.phase } : null,
      last,
      previous,
    };
  }

  /** Fetches the signed descriptor; downloads and verifies a newer release when asked. */
  async check(o: { url?: string; download: boolean; force: boolean }): Promise<UpdateStatus> {
    const template = o.url ?? this.#d.settings.url;
    if (!template) {
      throw conflict("no update URL: set `update.url` in the config or pass `url`");
    }
    const spki = trustedKey(this.#d.build());
    const url = new URL(template.replaceAll("{arch}", boxArch()));
    await this.#exclusive("checking", async () => {
      const bytes = await this.#get(url, 64 * 1024, "descriptor");
      const signature = await this.#get(new URL(`${url.href}.sig`), 1024, "signature");
      const descriptor = await verifyDescriptor(bytes, signature, spki);
      if (descriptor.arch !== boxArch()) {
        throw conflict(`the descriptor is for ${descriptor.arch}; this box is ${boxArch()}`);
      }
      const running = this.#d.build().version;
      const order = compareVersions(descriptor.version, running);
      this.#available = {
        version: descriptor.version,
        tarball_bytes: descriptor.tarball_bytes,
        newer: order > 0,
      };
      this.#publish();
      if (!o.download || (order <= 0 && !o.force)) return;
      checkFloor(descriptor.version, running, o.force);
      if (descriptor.tarball_bytes > this.#d.settings.maxReleaseBytes) {
        throw tooLarge("tarball_bytes", this.#d.settings.maxReleaseBytes);
      }
      const free = await this.#diskCheck(descriptor.tarball_bytes);
      this.#setState("downloading", `downloading ${descriptor.version}, verified as it arrives`);
      const response = await this.#request(new URL(descriptor.tarball, url));
      const incoming = metered(response.body!, {
        maxBytes: descriptor.tarball_bytes,
        field: "tarball",
        onProgress: (done) => this.#setProgress(done, descriptor.tarball_bytes),
      });
      await this.#receiveAndStage(incoming, spki, {
        source: "check",
        force: o.force,
        maxUnpackedBytes: unpackRoomBytes(free, this.#d.settings.maxReleaseBytes),
        check: (got) => {
          if (got.bytes !== descriptor.tarball_bytes || got.sha256 !== descriptor.tarball_sha256) {
            throw conflict(
              `the downloaded tarball does not match its descriptor (${got.bytes} bytes, sha256 ` +
                `${got.sha256.slice(0, 12)}…)`,
            );
          }
        },
      });
    });
    return await this.status();
  }

  /** The phone's upload: the body is the release tarball, streamed to disk and verified. */
  async upload(
    body: ReadableStream<Uint8Array> | null,
    lengthBytes: number | null,
    force: boolean,
  ): Promise<UpdateStatus> {
    if (body === null) throw tooLarge("body", 0);
    const max = this.#d.settings.maxReleaseBytes;
    if (lengthBytes !== null && lengthBytes > max) {
      await body.cancel().catch(() => {});
      throw tooLarge("body", max);
    }
    await this.#exclusive("verifying", async () => {
      // With a length, the disk is checked for it before a byte is read; without one (a chunked
      // body), for the smallest release now and, as bytes arrive, for what has arrived.
      const free = await this.#d.freeBytes(this.#paths.dir).catch(() => 0);
      const refusal = tooLittleDisk(free, lengthBytes ?? 0);
      if (refusal) {
        await body.cancel().catch(() => {});
        throw refusal;
      }
      const room = Math.min(max, maxReleaseBytesFor(free));
      let spki: Uint8Array;
      try {
        spki = trustedKey(this.#d.build());
      } catch (err) {
        await body.cancel().catch(() => {});
        throw err;
      }
      this.#setState("downloading", "receiving an upload, verified as it arrives");
      const incoming = metered(body, {
        maxBytes: room,
        field: "body",
        onProgress: (done) => this.#setProgress(done, lengthBytes),
        overflow: (bytes) => room < max ? tooLittleDisk(free, bytes)! : tooLarge("body", max),
      });
      await this.#receiveAndStage(incoming, spki, {
        source: "upload",
        force,
        maxUnpackedBytes: unpackRoomBytes(free, max),
      });
    }, () => body.cancel().catch(() => {}));
    return await this.status();
  }

  /** Hands the staged release to the root side, which restarts the box into it. */
  async apply(): Promise<UpdateStatus> {
    const inst = await this.#d.installation();
    if (!inst.installed) throw conflict(`cannot apply an update: ${inst.reason}`);
    if (!this.#staged) throw conflict("no release is staged: check or upload one first");
    const pending = await readPending(this.#paths);
    if (pending) throw conflict(`an update to ${pending.to} is already under way`);
    const busy = await this.#d.busy();
    if (busy) throw conflict(`not while ${busy}: apply when it has ended`);
    const staged = this.#staged;
    await this.#exclusive(
      "applying",
      async () => {
        await Deno.stat(join(this.#paths.stagedRelease, "MANIFEST")).catch(() => {
          throw conflict("the staged release is gone: check or upload it again");
        });
        await Deno.remove(this.#paths.gate).catch(() => {});
        await writeJsonAtomic(this.#paths.request, {
          action: "apply",
          version: staged.version,
          release_dir: this.#paths.stagedRelease,
          requested_ms: this.#d.clock.now(),
        });
        this.#d.log.info("update: handing over to the root side", { version: staged.version });
        this.#handedOverS = Math.floor(this.#d.clock.now() / 1000);
        await this.#d.startUnit(UPDATE_UNIT);
        this.#setState("applying", `installing ${staged.version}; the box restarts into it`);
      },
      undefined,
      "applying",
    );
    return await this.status();
  }

  /** Back to the release that ran before the last update, with its database. */
  async rollback(): Promise<UpdateStatus> {
    const inst = await this.#d.installation();
    if (!inst.installed) throw conflict(`cannot roll back: ${inst.reason}`);
    const status = await this.status();
    if (status.pending) throw conflict(`an update to ${status.pending.to} is under way`);
    if (!status.previous) {
      throw conflict("nothing to roll back to: this release was not installed by an update");
    }
    const busy = await this.#d.busy();
    if (busy) throw conflict(`not while ${busy}: roll back when it has ended`);
    await this.#exclusive(
      "applying",
      async () => {
        await writeJsonAtomic(this.#paths.request, {
          action: "rollback",
          version: status.previous,
          requested_ms: this.#d.clock.now(),
        });
        this.#handedOverS = Math.floor(this.#d.clock.now() / 1000);
        await this.#d.startUnit(ROLLBACK_UNIT);
        this.#setState("applying", `rolling back to ${status.previous}; the box restarts into it`);
      },
      undefined,
      "applying",
    );
    return await this.status();
  }

  /** Unpacks and verifies the release `incoming` carries as it arrives, then stages it. */
  async #receiveAndStage(
    incoming: Metered,
    spki: Uint8Array,
    o: {
      source: "check" | "upload";
      force: boolean;
      maxUnpackedBytes: number;
      /** Refuses what was received, once all of it has been (e.g. not the descriptor's). */
      check?: (got: { bytes: number; sha256: string }) => void;
    },
  ) {
    let verified;
    try {
      verified = await verifyStream(incoming.stream, spki, this.#paths.incoming, {
        maxUnpackedBytes: o.maxUnpackedBytes,
      });
    } catch (err) {
      // The rest is read and dropped: a phone still sending gets the answer instead of a reset
      // connection, and a download that is not what its descriptor says is told from a bad
      // release.
      if (!incoming.overflow()) await drain(incoming.stream);
      const overflow = incoming.overflow();
      if (overflow) throw overflow;
      o.check?.(incoming.result());
      throw err;
    }
    const { info } = verified;
    try {
      const got = incoming.result();
      o.check?.(got);
      checkFloor(info.version, this.#d.build().version, o.force);
      const staged: StagedRelease = {
        version: info.version,
        arch: info.arch,
        source: o.source,
        bytes: got.bytes,
        build_time_ms: info.build_time_ms,
        commit: info.commit,
        forced: compareVersions(info.version, this.#d.build().version) < 0,
        verified_at_ms: this.#d.clock.now(),
      };
      await this.#dropStaged();
      await Deno.mkdir(this.#paths.staged, { recursive: true });
      await Deno.rename(verified.dir, this.#paths.stagedRelease);
      await writeJsonAtomic(this.#paths.stagedRecord, staged);
      this.#staged = staged;
      this.#message = `${info.version} is verified and ready to apply`;
      this.#d.log.info("update: release verified and staged", {
        version: info.version,
        source: o.source,
      });
    } finally {
      await Deno.remove(verified.scratch, { recursive: true }).catch(() => {});
    }
  }

  async #dropStaged(): Promise<void> {
    await Deno.remove(this.#paths.staged, { recursive: true }).catch(() => {});
    this.#staged = null;
  }

  /** The free bytes, when they are enough for a release of `tarballBytes`. */
  async #diskCheck(tarballBytes: number): Promise<number> {
    await Deno.mkdir(this.#paths.incoming, { recursive: true });
    const free = await this.#d.freeBytes(this.#paths.dir);
    const refusal = tooLittleDisk(free, tarballBytes);
    if (refusal) throw refusal;
    return free;
  }

  /** Runs `work` as the one update operation; a failure leaves state "failed" with its reason. */
  async #exclusive(
    state: UpdateState,
    work: () => Promise<void>,
    onRefused?: () => unknown,
    endState?: UpdateState,
  ): Promise<void> {
    if (this.#working) {
      await onRefused?.();
      throw conflict(`an update operation is already under way (${this.#state})`);
    }
    this.#working = true;
    this.#progress = null;
    this.#setState(state, null);
    try {
      await work();
      this.#progress = null;
      this.#setState(endState ?? (this.#staged ? "ready" : "idle"), this.#message);
    } catch (err) {
      this.#progress = null;
      const message = err instanceof Error ? err.message : String(err);
      this.#setState(this.#staged ? "ready" : "failed", message);
      this.#d.log.warn("update: operation failed", { state, err: message });
      throw err;
    } finally {
      this.#working = false;
    }
  }

  async #get(url: URL, maxBytes: number, field: string): Promise<Uint8Array> {
    const response = await this.#request(url);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw tooLarge(field, maxBytes);
    return bytes;
  }

  async #request(url: URL): Promise<Response> {
    const doFetch = this.#d.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, {
        signal: AbortSignal.timeout(this.#d.settings.fetchTimeoutMs),
      });
    } catch (err) {
      throw conflict(`${url.href} could not be fetched: ${(err as Error).message}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw conflict(`${url.href} answered ${response.status}`);
    }
    return response;
  }

  #setProgress(done: number, total: number | null) {
    this.#progress = { done_bytes: done, total_bytes: total };
    this.#d.bus.publish("update.progress", { state: this.#state, ...this.#progress });
  }

  #setState(state: UpdateState, message: string | null) {
    this.#state = state;
    this.#message = message;
    this.#publish();
  }

  #publish() {
    this.#d.bus.publish("update.state", {
      state: this.#state,
      message: this.#message,
      available: this.#available,
      staged: this.#staged,
    });
  }
}
