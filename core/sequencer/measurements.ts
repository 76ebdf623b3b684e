/**
 * Overheads measured during a run, by key — each instruction kind records its own (a download
 * after each exposure, a filter change, a dither, an autofocus, a slew …) — and their means and
 * totals for the estimates. A key not measured yet counts as zero: the ETA then errs short, and
 * grows honest as the night goes on.
 */
export class Measurements {
  readonly #totalMs = new Map<string, number>();
  readonly #count = new Map<string, number>();

  add(key: string, ms: number): void {
    this.#totalMs.set(key, (this.#totalMs.get(key) ?? 0) + Math.max(0, ms));
    this.#count.set(key, (this.#count.get(key) ?? 0) + 1);
  }

  meanS(key: string): number {
    const count = this.#count.get(key) ?? 0;
    return count === 0 ? 0 : (this.#totalMs.get(key) ?? 0) / count / 1000;
  }

  totalS(key: string): number {
    return (this.#totalMs.get(key) ?? 0) / 1000;
  }
}
