/**
 * A uniform grid over star positions for nearest-neighbour queries within a radius: registration
 * asks it once per frame star per refinement round, thousands of times, so a linear scan of the
 * reference list would dominate the cost.
 */
import type { Point } from "./transform.ts";

export class StarGrid {
  #cellPx: number;
  #cells = new Map<number, number[]>();
  #points: readonly Point[];

  constructor(points: readonly Point[], cellPx: number) {
    if (!(cellPx > 0)) throw new RangeError(`grid cellPx must be positive, got ${cellPx}`);
    this.#cellPx = cellPx;
    this.#points = points;
    points.forEach((p, i) => {
      const key = this.#key(Math.floor(p.x / cellPx), Math.floor(p.y / cellPx));
      const cell = this.#cells.get(key);
      if (cell) cell.push(i);
      else this.#cells.set(key, [i]);
    });
  }

  /** Keys pack a signed cell pair; frames are far smaller than 2^20 cells a side. */
  #key(cx: number, cy: number): number {
    return (cx + 524_288) * 1_048_576 + (cy + 524_288);
  }

  /** Index and distance of the nearest point within `radiusPx`, or index −1. */
  nearest(x: number, y: number, radiusPx: number): { index: number; distancePx: number } {
    const reach = Math.ceil(radiusPx / this.#cellPx);
    const cx = Math.floor(x / this.#cellPx);
    const cy = Math.floor(y / this.#cellPx);
    let index = -1;
    let best = radiusPx;
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        const cell = this.#cells.get(this.#key(cx + dx, cy + dy));
        if (!cell) continue;
        for (const i of cell) {
          const p = this.#points[i]!;
          const d = Math.hypot(p.x - x, p.y - y);
          if (d <= best) {
            best = d;
            index = i;
          }
        }
      }
    }
    return { index, distancePx: index < 0 ? Infinity : best };
  }
}
