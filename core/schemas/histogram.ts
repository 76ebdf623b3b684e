/** The histogram of a frame as the API returns it: per-channel counts, median and MAD in ADU. */
import { z } from "zod";
import type { ImageHistogram } from "../imaging/histogram.ts";

export const HistogramQuery = z.object({
  bins: z.coerce.number().int().min(1).max(65536).default(256)
    .describe("number of equal bins over 0..65535 ADU"),
});

export const ChannelHistogramDto = z.object({
  channel: z.enum(["L", "R", "G", "B"]).describe(
    "L for mono; R, G, B from the Bayer sites or planes",
  ),
  counts: z.array(z.number().int().min(0)).describe(
    "samples per bin, bin i starting at i × bin_width_adu",
  ),
  count: z.number().int().min(0),
  median_adu: z.number(),
  mad_adu: z.number().describe("median absolute deviation from the median"),
  min_adu: z.number(),
  max_adu: z.number(),
});

export const HistogramDto = z.object({
  frame_id: z.string(),
  bins: z.number().int(),
  bin_width_adu: z.number(),
  channels: z.array(ChannelHistogramDto),
});
export type HistogramDto = z.infer<typeof HistogramDto>;

export function toHistogramDto(frameId: string, h: ImageHistogram): HistogramDto {
  return {
    frame_id: frameId,
    bins: h.bins,
    bin_width_adu: h.binWidthAdu,
    channels: h.channels.map((c) => ({
      channel: c.channel,
      counts: Array.from(c.counts),
      count: c.count,
      median_adu: c.medianAdu,
      mad_adu: c.madAdu,
      min_adu: c.minAdu,
      max_adu: c.maxAdu,
    })),
  };
}
