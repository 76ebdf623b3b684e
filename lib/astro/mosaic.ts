/**
 * Mosaic geometry on the sphere: the centres and position angles of rows × columns of camera
 * fields laid around a mosaic centre, with a given overlap and rotation. Offsets are rotations of
 * the mosaic's own frame (its centre, its "up" axis at the rotation's position angle, its "right"
 * axis 90° east of that), never RA/Dec offsets, so the grid has the same shape at the celestial
 * pole, across RA 0 h and on the equator; in the gnomonic (tangent-plane) projection around the
 * mosaic centre the panels sit on a rectangular grid turned by the rotation, as a framing view
 * draws them.
 *
 * The start: rows are great circles (each row's panels turned about one common axis, so a row's
 * overlaps are exact) stacked along the mosaic's up axis — or columns, whichever direction the
 * mosaic is longer in. Then mosaic_fit.ts spreads the sphere's curvature evenly over every shared
 * edge. Each pair's overlap (middle, least and most along the edge) is returned so a client can
 * show it.
 *
 * A panel's position angle is that of its up axis, east of north at its own centre: near the
 * pole it differs from the mosaic's rotation by up to the RA difference, which is what the
 * rotator must do to keep the panels aligned.
 */
import { type FieldDeg, type Frame, overlapAlongEdge } from "./mosaic_overlap.ts";
import { fitMosaicFrames, type Pair } from "./mosaic_fit.ts";
import {
  cross,
  directionAt,
  dot,
  positionAngleDeg,
  toRaDec,
  turn,
  unitVector,
  type Vec3,
} from "./sphere_vectors.ts";

const RAD = Math.PI / 180;

export type { Vec3 };

export interface MosaicLayout {
  raHours: number;
  decDeg: number;
  rows: number;
  cols: number;
  /** Overlap between neighbouring panels, fraction of the field (0 ≤ f < 1). */
  overlap: number;
  /** Position angle of the mosaic's up axis (rows are stacked along it), degrees east of north. */
  rotationDeg: number;
  /** One panel: the camera's field along its x axis (width) and y axis (height), degrees. */
  field: FieldDeg;
}

export interface MosaicPanel {
  /** Row-major: row × cols + col. Row 0 is the bottom row, column 0 the left (west at PA 0). */
  index: number;
  row: number;
  col: number;
  raHours: number;
  decDeg: number;
  /** Position angle of the panel's up axis at its centre, degrees east of north, [0, 360). */
  positionAngleDeg: number;
  /** The centre in the mosaic's tangent plane along its right and up axes, degrees. */
  xDeg: number;
  yDeg: number;
}

export interface PanelPair {
  /** Panel indexes: b is right of a ("rows") or above it ("columns"). */
  a: number;
  b: number;
  along: "rows" | "columns";
  /** Overlap as a fraction of the field along the pair: mid-edge, least and most along it. */
  overlap: number;
  overlapMin: number;
  overlapMax: number;
}

export interface MosaicGeometry {
  panels: MosaicPanel[];
  /** Angular size the panels cover, degrees: width along the right axis, height along up. */
  extent: { widthDeg: number; heightDeg: number };
  neighbours: PanelPair[];
}

/** The largest half-extent of a mosaic: beyond it "rows" and "columns" lose their meaning. */
export const MAX_HALF_EXTENT_DEG = 60;

function assertLayout(m: MosaicLayout): void {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(what);
  };
  check(Number.isFinite(m.raHours), `raHours must be finite, got ${m.raHours}`);
  check(m.decDeg >= -90 && m.decDeg <= 90, `decDeg must be within −90…90, got ${m.decDeg}`);
  check(Number.isInteger(m.rows) && m.rows >= 1, `rows must be a whole number ≥ 1`);
  check(Number.isInteger(m.cols) && m.cols >= 1, `cols must be a whole number ≥ 1`);
  check(m.overlap >= 0 && m.overlap < 1, `overlap must be within [0, 1), got ${m.overlap}`);
  check(Number.isFinite(m.rotationDeg), `rotationDeg must be finite`);
  check(
    m.field.widthDeg > 0 && m.field.widthDeg <= 90 && m.field.heightDeg > 0 &&
      m.field.heightDeg <= 90,
    `the field must be within (0, 90]°, got ${m.field.widthDeg} × ${m.field.heightDeg}`,
  );
}

/** Half the centre-to-centre span along each axis, degrees. */
export function halfSpansDeg(m: MosaicLayout): { xDeg: number; yDeg: number } {
  return {
    xDeg: (m.cols - 1) / 2 * m.field.widthDeg * (1 - m.overlap),
    yDeg: (m.rows - 1) / 2 * m.field.heightDeg * (1 - m.overlap),
  };
}

/** The starting frames: rows (or columns) as great circles, stacked along the other axis. */
function startFrames(m: MosaicLayout, c0: Vec3, up0: Vec3, right0: Vec3): Frame[] {
  const stepX = m.field.widthDeg * (1 - m.overlap);
  const stepY = m.field.heightDeg * (1 - m.overlap);
  const half = halfSpansDeg(m);
  const rowsAreCircles = half.xDeg >= half.yDeg;
  const frames: Frame[] = [];
  for (let row = 0; row < m.rows; row++) {
    for (let col = 0; col < m.cols; col++) {
      const x = (col - (m.cols - 1) / 2) * stepX * RAD;
      const y = (row - (m.rows - 1) / 2) * stepY * RAD;
      let c: Vec3, up: Vec3;
      if (rowsAreCircles) {
        // Tilt to the row about the right axis, then along it about the row's own up axis.
        const [cRow, upRow] = turn(c0, up0, y);
        [c] = turn(cRow, right0, x);
        up = upRow;
      } else {
        [c] = turn(c0, right0, x);
        [c, up] = turn(c, up0, y);
      }
      frames.push({ c, up, right: cross(up, c) });
    }
  }
  return frames;
}

function pairsOf(m: MosaicLayout): Pair[] {
  const pairs: Pair[] = [];
  for (let row = 0; row < m.rows; row++) {
    for (let col = 0; col < m.cols; col++) {
      const a = row * m.cols + col;
      if (col + 1 < m.cols) pairs.push({ a, b: a + 1, axis: "rows" });
      if (row + 1 < m.rows) pairs.push({ a, b: a + m.cols, axis: "columns" });
    }
  }
  return pairs;
}

/** The panels of a mosaic; throws a RangeError for an impossible layout. */
export function mosaicPanels(m: MosaicLayout): MosaicGeometry {
  assertLayout(m);
  const half = halfSpansDeg(m);
  if (half.xDeg > MAX_HALF_EXTENT_DEG || half.yDeg > MAX_HALF_EXTENT_DEG) {
    throw new RangeError(
      `the mosaic spans ${(2 * half.xDeg).toFixed(1)}° × ${(2 * half.yDeg).toFixed(1)}° ` +
        `between panel centres; at most ${2 * MAX_HALF_EXTENT_DEG}° either way`,
    );
  }
  const c0 = unitVector(m.raHours, m.decDeg);
  const up0 = directionAt(c0, m.rotationDeg);
  const right0 = directionAt(c0, m.rotationDeg + 90);
  const pairs = pairsOf(m);
  const frames = fitMosaicFrames(startFrames(m, c0, up0, right0), pairs, m.field, m.overlap);
  const panels = frames.map(({ c, up }, index): MosaicPanel => {
    const { raHours, decDeg } = toRaDec(c);
    return {
      index,
      row: Math.floor(index / m.cols),
      col: index % m.cols,
      raHours,
      decDeg,
      positionAngleDeg: positionAngleDeg(c, up),
      xDeg: Math.atan(dot(c, right0) / dot(c, c0)) / RAD,
      yDeg: Math.atan(dot(c, up0) / dot(c, c0)) / RAD,
    };
  });
  const neighbours = pairs.map(({ a, b, axis }): PanelPair => {
    const along = overlapAlongEdge(frames[a]!, frames[b]!, m.field, axis);
    return {
      a,
      b,
      along: axis,
      overlap: along[Math.floor(along.length / 2)]!,
      overlapMin: Math.min(...along),
      overlapMax: Math.max(...along),
    };
  });
  return {
    panels,
    extent: {
      widthDeg: 2 * half.xDeg + m.field.widthDeg,
      heightDeg: 2 * half.yDeg + m.field.heightDeg,
    },
    neighbours,
  };
}

/** Panels needed along one axis to cover `coverDeg` with fields of `fieldDeg` overlapping. */
export function panelsToCover(coverDeg: number, fieldDeg: number, overlap: number): number {
  if (!(coverDeg > 0) || !(fieldDeg > 0) || !(overlap >= 0 && overlap < 1)) {
    throw new RangeError(`cannot cover ${coverDeg}° with ${fieldDeg}° fields`);
  }
  if (coverDeg <= fieldDeg) return 1;
  // A hair of tolerance so 3 fields that cover exactly are not rounded up to 4.
  return 1 + Math.ceil((coverDeg - fieldDeg) / (fieldDeg * (1 - overlap)) - 1e-9);
}
