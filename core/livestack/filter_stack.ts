/**
 * One filter's live stack: its accumulator, its reference frame, its preview and its counters.
 * Frames taken through different filters never share an accumulator — an L frame added to an R
 * stack would give neither — so the live stack keeps one of these per filter, as NINA's live
 * stack keeps one per target and filter (frames without a filter wheel have the filter null).
 * Each stack registers onto its own first accepted frame and keeps its own HFR history, since a
 * blue frame's stars are naturally fatter than a red one's. Plain state; the service changes it.
 */
import type { AccumulatorState } from "../imaging/stack/accumulator.ts";
import type { LivestackFrameDto, LivestackStackDto } from "../schemas/livestack.ts";
import type { Reference } from "./stack_frame.ts";
import type { StackMeta } from "./livestack_store.ts";

export const PREVIEW_PATH = "/api/v1/camera/livestack/preview";

/** A frame's filter as the stacks key it: a blank name is no filter. */
export function filterOf(name: string | null | undefined): string | null {
  const trimmed = name?.trim();
  return trimmed ? trimmed : null;
}

export class FilterStack {
  readonly filter: string | null;
  state: AccumulatorState | null = null;
  reference: Reference | null = null;
  preview: Uint8Array | null = null;
  /** The saved accumulator (`accumulator-<generation>.fits`), null before the first save. */
  file: string | null = null;
  /** The generation of that file: it versions the preview URL. */
  generation = 0;
  stacked = 0;
  rejected = 0;
  rejections: Record<string, number> = {};
  exposureS = 0;
  hfrHistoryPx: number[] = [];
  lastFrame: LivestackFrameDto | null = null;
  updatedAt: string | null = null;

  constructor(filter: string | null) {
    this.filter = filter;
  }

  get color(): boolean | null {
    return this.state && this.reference ? this.state.mean.length === 3 : null;
  }

  get previewUrl(): string | null {
    if (!this.preview) return null;
    return `${PREVIEW_PATH}?filter=${encodeURIComponent(this.filter ?? "")}&v=${this.generation}`;
  }

  dto(): LivestackStackDto {
    const ref = this.reference;
    return {
      filter: this.filter,
      frames_stacked: this.stacked,
      frames_rejected: this.rejected,
      rejections: { ...this.rejections },
      total_exposure_s: this.exposureS,
      color: this.color,
      width: this.state?.widthPx ?? null,
      height: this.state?.heightPx ?? null,
      reference: ref && { frame_id: ref.frameId, path: ref.path, stars: ref.stars.length },
      last_frame: this.lastFrame,
      preview_url: this.previewUrl,
      updated_at: this.updatedAt,
    };
  }

  toMeta(): StackMeta {
    return {
      filter: this.filter,
      generation: this.generation,
      file: this.file,
      framesStacked: this.stacked,
      framesRejected: this.rejected,
      rejections: this.rejections,
      totalExposureS: this.exposureS,
      color: this.color,
      reference: this.reference,
      hfrHistoryPx: this.hfrHistoryPx.slice(-200),
      lastFrame: this.lastFrame,
      updatedAt: this.updatedAt,
    };
  }

  /** A stack as saved; `state` is its accumulator, read from `meta.file` (null when none). */
  static restore(meta: StackMeta, state: AccumulatorState | null): FilterStack {
    const stack = new FilterStack(meta.filter);
    stack.state = state;
    stack.reference = meta.reference;
    stack.file = meta.file;
    stack.generation = meta.generation;
    stack.stacked = meta.framesStacked;
    stack.rejected = meta.framesRejected;
    stack.rejections = { ...meta.rejections };
    stack.exposureS = meta.totalExposureS;
    stack.hfrHistoryPx = [...meta.hfrHistoryPx];
    stack.lastFrame = meta.lastFrame;
    stack.updatedAt = meta.updatedAt;
    return stack;
  }
}
