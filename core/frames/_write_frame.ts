/**
 * Writes one frame for the frame sink (frame_sink.ts, the only caller): gathers its metadata from
 * the rig (filter in the path, where the mount points, the site and the optics), encodes the FITS
 * file, writes it durably (temp → fsync → rename), and only then records its row. A crash at any
 * instant leaves either no file and no row, or a whole file — never a row pointing at a partial
 * file.
 */
import { dirname, join } from "node:path";
import type { RawFrame } from "../../devices/camera.ts";
import type { Rig } from "../../devices/rig.ts";
import { encodeFitsChunks } from "../../lib/fits/write.ts";
import { writeFitsFileDurably } from "../../lib/durable_write.ts";
import { buildFrameHeader } from "../imaging/frame_header.ts";
import type { FrameMetadata } from "../imaging/frame_header.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { FrameRepository } from "../store/frames.ts";
import { frameFileName } from "./file_name.ts";

export interface WriteFrameInput {
  frameId: string;
  frame: RawFrame;
  object: string | null;
  /** The frame number, the pattern's {seq}. */
  frameNumber: number;
  hub: Rig;
  dataDir: string;
  filePattern: string;
  frames: FrameRepository;
  /** Set when a sequence took the frame. */
  sequenceId?: string | null;
  /**
   * Records the row instead of `frames.insert`, so a caller can insert it in its own transaction
   * (the sequencer moves its checkpoint in the same commit).
   */
  record?: (dto: FrameDto) => Promise<void>;
}

export async function writeFrame(input: WriteFrameInput): Promise<FrameDto> {
  const { frame, hub } = input;
  const meta = frameMetadata(frame, input.object, hub);
  const chunks = encodeFitsChunks(frame, buildFrameHeader(meta));
  const relativePath = join(
    "frames",
    frameFileName(input.filePattern, {
      object: meta.objectName ?? frame.request.frameType,
      startedAtMs: frame.startedAtMs,
      longitudeDeg: hub.site?.longitudeDeg ?? 0,
      frameType: frame.request.frameType,
      filter: meta.filterName,
      exposureS: frame.request.durationS,
      gain: frame.request.gain,
      offset: frame.request.offset,
      binning: frame.request.binning,
      sensorTempC: frame.sensorTempC,
      frameNumber: input.frameNumber,
      camera: meta.cameraName ?? "camera",
    }),
  );
  const absolutePath = await uniquePath(join(input.dataDir, relativePath));
  await Deno.mkdir(dirname(absolutePath), { recursive: true });
  let bytes = 0;
  await writeFitsFileDurably(absolutePath, counted(chunks, (n) => bytes += n));
  const dto: FrameDto = {
    id: input.frameId,
    frame_number: input.frameNumber,
    path: absolutePath.slice(input.dataDir.length + 1),
    frame_type: frame.request.frameType,
    duration_s: frame.request.durationS,
    gain: frame.request.gain,
    offset: frame.request.offset,
    binning: frame.request.binning,
    width: frame.widthPx,
    height: frame.heightPx,
    filter: meta.filterName,
    object: meta.objectName,
    started_at: new Date(frame.startedAtMs).toISOString(),
    sensor_temp_c: frame.sensorTempC,
    bytes,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    wcs: null,
  };
  if (input.record) await input.record(dto);
  else await input.frames.insert(dto, input.sequenceId ?? null);
  return dto;
}

/** What the rig knew when the frame was taken; a device that is absent leaves its keys out. */
export function frameMetadata(
  frame: RawFrame,
  object: string | null,
  hub: Rig,
): FrameMetadata {
  const camera = hub.peek("camera");
  const mount = hub.peek("mount");
  const wheel = hub.peek("filterwheel");
  const mountStatus = mount?.status();
  const pointing = mountStatus?.connected ? mountStatus : null;
  const wheelStatus = wheel?.status();
  const filterName = wheelStatus?.connected && wheelStatus.position !== null
    ? wheelStatus.slots[wheelStatus.position]?.name ?? null
    : null;
  return {
    widthPx: frame.widthPx,
    heightPx: frame.heightPx,
    startedAtMs: frame.startedAtMs,
    exposureS: frame.request.durationS,
    frameType: frame.request.frameType,
    binning: frame.request.binning,
    gain: frame.request.gain,
    offset: frame.request.offset,
    sensorTempC: frame.sensorTempC,
    filterName,
    objectName: object ?? (frame.request.frameType === "light" ? null : frame.request.frameType),
    raHours: frame.request.frameType === "light" ? pointing?.raHours ?? null : null,
    decDeg: frame.request.frameType === "light" ? pointing?.decDeg ?? null : null,
    telescopeName: mount?.info.name ?? null,
    cameraName: camera?.info.name ?? null,
    siteLatitudeDeg: hub.site?.latitudeDeg ?? null,
    siteLongitudeDeg: hub.site?.longitudeDeg ?? null,
    focalLengthMm: hub.optics?.focalLengthMm ?? null,
    pixelSizeUm: camera?.capabilities.pixelSizeUm ?? null,
    bayerPattern: frame.bayerPattern,
  };
}

function* counted(chunks: Iterable<Uint8Array>, add: (n: number) => void) {
  for (const chunk of chunks) {
    add(chunk.byteLength);
    yield chunk;
  }
}

/** Never overwrite a frame: add -2, -3 … when the pattern gives a name that exists. */
async function uniquePath(path: string): Promise<string> {
  const stem = path.replace(/\.fits$/, "");
  for (let n = 1;; n++) {
    const candidate = n === 1 ? path : `${stem}-${n}.fits`;
    try {
      await Deno.lstat(candidate);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return candidate;
      throw err;
    }
  }
}
