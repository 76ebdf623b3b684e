/**
 * Overheads measured during a run — download after each exposure, filter changes, dithers and
 * focusing (offset moves and autofocus) — and the ETA they give with what is left of the plan:
 * remaining exposure time, plus remaining frames × mean download, plus remaining filter changes
 * × mean filter change, plus remaining dithers × mean dither, plus focusing time per frame so
 * far. Kinds not measured yet count as zero: the ETA then errs short, and grows honest as the
 * night goes on.
 */

export type OverheadKind = "download" | "filter" | "dither" | "focus";

export class Overheads {
  readonly #totalMs: Record<OverheadKind, number> = { download: 0, filter: 0, dither: 0, focus: 0 };
  readonly #count: Record<OverheadKind, number> = { download: 0, filter: 0, dither: 0, focus: 0 };

  add(kind: OverheadKind, ms: number): void {
    this.#totalMs[kind] += Math.max(0, ms);
    this.#count[kind]++;
  }

  meanMs(kind: OverheadKind): number {
    return this.#count[kind] === 0 ? 0 : this.#totalMs[kind] / this.#count[kind];
  }

  totalMs(kind: OverheadKind): number {
    return this.#totalMs[kind];
  }

  /** Seconds left, by the plan's remaining figures and the means measured so far. */
  etaS(remaining: {
    frames: number;
    exposureS: number;
    filterChanges: number;
    dithers: number;
  }, framesTakenThisRun: number): number {
    const focusPerFrameMs = framesTakenThisRun === 0 ? 0 : this.#totalMs.focus / framesTakenThisRun;
    const overheadMs = remaining.frames * (this.meanMs("download") + focusPerFrameMs) +
      remaining.filterChanges * this.meanMs("filter") +
      remaining.dithers * this.meanMs("dither");
    return remaining.exposureS + overheadMs / 1000;
  }
}
