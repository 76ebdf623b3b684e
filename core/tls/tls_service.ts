/**
 * Keeps the box's certificate authority and server certificate in `<data dir>/tls/` and tells
 * the HTTPS server when the server certificate changes. At start it makes the CA if there is none
 * and issues a server certificate for the box's current names; then, every minute, it compares
 * the box's addresses with the certificate's (no process is run unless they differ) and issues a
 * new one when they differ or when it has less than 30 days left. Nothing here may stop the box:
 * a missing openssl, an unusable CA or a failed issue is a warning and a `problem` in the status,
 * and the box serves plain HTTP as before.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { TlsStatus } from "../schemas/tls.ts";
import { ensurePrivateDir } from "./_files.ts";
import { type BoxCa, ensureCa } from "./box_ca.ts";
import { issueLeaf, type Leaf, loadLeaf, reissueReason } from "./leaf_cert.ts";
import { interfaceAddresses, wantedLeafNames } from "./names.ts";
import { type OpensslRunner, opensslRunner } from "./openssl.ts";

/** A clock before this cannot be the real date (a box without a real-time clock, just booted). */
const EARLIEST_PLAUSIBLE_MS = Date.UTC(2024, 0, 1);

export interface TlsServiceOptions {
  /** Where the files go: `<data dir>/tls`. */
  dir: string;
  clock: Clock;
  log: Logger;
  /** The host name, for `<hostname>.local` and the CA's name. */
  hostname: () => string;
  /** The box's addresses now (default: every interface's). */
  addresses?: () => string[];
  openssl?: OpensslRunner;
  checkEveryMs?: number;
}

export interface ServerCredentials {
  certPem: string;
  keyPem: string;
}

export class TlsService {
  readonly dir: string;
  #o: TlsServiceOptions;
  #openssl: OpensslRunner;
  #ca: BoxCa | null = null;
  #leaf: Leaf | null = null;
  #problem: string | null = "not started";
  #httpsPort: number | null = null;
  #listeners = new Set<(credentials: ServerCredentials) => void>();
  #checking: Promise<boolean> = Promise.resolve(false);
  #loop: AbortController | null = null;
  #looping: Promise<void> = Promise.resolve();

  constructor(o: TlsServiceOptions) {
    this.dir = o.dir;
    this.#o = o;
    this.#openssl = o.openssl ?? opensslRunner();
  }

  /** Makes or loads the certificates, then checks them every minute until stop(). */
  async start(): Promise<void> {
    await this.check();
    const loop = this.#loop = new AbortController();
    const every = this.#o.checkEveryMs ?? 60_000;
    this.#looping = (async () => {
      while (!loop.signal.aborted) {
        try {
          await this.#o.clock.sleep(every, loop.signal);
        } catch {
          return;
        }
        await this.check();
      }
    })();
  }

  async stop(): Promise<void> {
    this.#loop?.abort();
    await this.#looping;
    await this.#checking;
  }

  /** One check (serialised with any other); true when a new server certificate was issued. */
  check(): Promise<boolean> {
    this.#checking = this.#checking.then(() => this.#check());
    return this.#checking;
  }

  /** The server certificate and key to serve, or null when there is none. */
  get credentials(): ServerCredentials | null {
    return this.#leaf && { certPem: this.#leaf.certPem, keyPem: this.#leaf.keyPem };
  }

  get caPem(): string | null {
    return this.#ca?.certPem ?? null;
  }

  /** Called with the new certificate each time one is issued after the first. */
  onChange(listener: (credentials: ServerCredentials) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** HTTPS is not configured: the status says so, and no CA is made. */
  disable(reason: string): void {
    this.#problem = reason;
  }

  /** The HTTPS server says where it listens (null: it does not). */
  setHttpsPort(port: number | null): void {
    this.#httpsPort = port;
  }

  status(): TlsStatus {
    const ca = this.#ca?.cert;
    const leaf = this.#leaf;
    return {
      https_port: this.#httpsPort,
      ca_fingerprint_sha256: ca?.fingerprint256 ?? null,
      ca_common_name: ca ? /CN=([^\n]+)/.exec(ca.subject)?.[1] ?? null : null,
      ca_not_after: ca ? ca.validToDate.toISOString() : null,
      leaf_names: leaf ? [...leaf.names.dns, ...leaf.names.ips] : [],
      leaf_not_after: leaf ? new Date(leaf.notAfterMs).toISOString() : null,
      problem: this.#problem,
    };
  }

  async #check(): Promise<boolean> {
    try {
      const nowMs = this.#o.clock.now();
      if (nowMs < EARLIEST_PLAUSIBLE_MS) {
        // Certificates dated 1970 would never be valid: wait for the phone or NTP to set the time.
        this.#report(`the clock says ${new Date(nowMs).toISOString()}; waiting for the real time`);
        return false;
      }
      if (this.#ca === null) {
        await ensurePrivateDir(this.dir);
        const { ca, created } = await ensureCa(this.dir, this.#caName(), this.#openssl);
        this.#ca = ca;
        if (created) this.#o.log.info("made the box's certificate authority", { dir: this.dir });
        this.#leaf = await loadLeaf(this.dir, ca);
      }
      const wanted = wantedLeafNames(this.#o.hostname(), this.#addresses());
      const reason = reissueReason(this.#leaf, wanted, nowMs);
      if (reason === null) {
        this.#report(null);
        return false;
      }
      const hadLeaf = this.#leaf !== null;
      this.#leaf = await issueLeaf(this.dir, this.#ca, wanted, this.#openssl);
      this.#o.log.info("issued a server certificate", {
        reason,
        names: [...wanted.dns, ...wanted.ips],
      });
      this.#report(null);
      const credentials = this.credentials!;
      if (hadLeaf) { for (const listener of this.#listeners) listener(credentials); }
      return true;
    } catch (err) {
      this.#report(err instanceof Error ? err.message : String(err));
      return false;
    }
  }

  #addresses(): string[] {
    try {
      return (this.#o.addresses ?? interfaceAddresses)();
    } catch (err) {
      this.#o.log.warn("could not list the network interfaces", { err: String(err) });
      return [];
    }
  }

  #caName(): string {
    const label = this.#o.hostname().split(".")[0] || "box";
    return `OpenSkyLab ${label} local CA`;
  }

  /** Logs a problem once when it appears (not every minute), and its end. */
  #report(problem: string | null): void {
    if (problem !== null && problem !== this.#problem) {
      this.#o.log.warn("HTTPS is not available: the box serves HTTP only", { problem });
    }
    this.#problem = problem;
  }
}
