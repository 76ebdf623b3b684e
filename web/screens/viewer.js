// @ts-check
/**
 * The image viewer: a frame full screen with pinch-zoom and pan down to 1:1 (the box sends only
 * the region and scale on screen), the histogram with auto or manual stretch, star markers with
 * their HFR, the frame's star count and median HFR/FWHM/eccentricity, and every frame the box
 * has saved — light, calibration, centring and polar-alignment frames alike — browsable older and
 * newer. Opened without a frame it shows the newest and follows new frames as they arrive.
 */
import { html } from "htm/preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { HistogramPanel } from "../components/histogram.js";
import { prefetchScreenPreview, ViewerStage } from "../components/viewer_stage.js";
import { ErrorLine } from "../components/ui.js";
import { apiUrl, get } from "../lib/api.js";
import { useGet } from "../lib/data.js";
import { clockSeconds, num } from "../lib/format.js";
import { useEvent } from "../lib/live.js";
import { navigate } from "../lib/router.js";

/** @typedef {import("../lib/types.js").Frame} Frame */
/** @typedef {import("../lib/types.js").FrameDetail} FrameDetail */
/** @typedef {import("../components/histogram.js").Stretch} Stretch */

/** @param {Stretch} s */
function stretchQuery(s) {
  return s.mode === "auto"
    ? "stretch=auto"
    : `stretch=manual&black=${s.black.toFixed(5)}&mid=${s.mid.toFixed(5)}&white=${
      s.white.toFixed(4)
    }`;
}

/** @param {{ params: string[] }} props */
export default function Viewer({ params }) {
  const requested = params[0] ?? null;
  const recent = useGet("/frames?limit=200");
  /** @type {Frame[]} */
  const list = /** @type {any} */ (recent.data)?.frames ?? [];
  const [follow, setFollow] = useState(requested === null);
  const [extra, setExtra] = useState(/** @type {Frame | null} */ (null));
  const id = requested ?? list[0]?.id ?? null;
  const index = list.findIndex((f) => f.id === id);
  const frame = index >= 0 ? list[index] : extra?.id === id ? extra : null;

  // A frame older than the recent list: read its row on its own.
  useEffect(() => {
    if (!id || index >= 0 || recent.loading || extra?.id === id) return;
    get(`/frames/${encodeURIComponent(id)}`).then((f) => setExtra(f), () => setExtra(null));
  }, [id, index, recent.loading]);

  useEvent([
    "camera.frame_ready",
    "mount.centered",
    "mount.centering",
    "polar_alignment.error_computed",
  ], async (data, _ts, type) => {
    await recent.reload();
    if (follow && type === "camera.frame_ready" && data?.id) navigate("viewer", data.id);
  });

  const [stretch, setStretch] = useState(/** @type {Stretch} */ ({ mode: "auto" }));
  const [panel, setPanel] = useState(/** @type {"none" | "histogram" | "info"} */ ("none"));
  const [showStars, setShowStars] = useState(false);
  const [command, setCommand] = useState(/** @type {{ kind: string, n: number } | null} */ (null));
  const [view, setView] = useState(
    /** @type {{ scale: number, dpr: number, fit: number } | null} */ (null),
  );
  const [firstDrawMs, setFirstDrawMs] = useState(/** @type {number | null} */ (null));
  const [answered, setAnswered] = useState(false);
  const [details, setDetails] = useState(/** @type {FrameDetail | null} */ (null));
  const [stars, setStars] = useState(
    /** @type {{ x: number, y: number, hfr_px: number }[] | null} */ (null),
  );
  const [histogram, setHistogram] = useState(
    /** @type {import("../lib/types.js").Histogram | null} */ (null),
  );
  const [error, setError] = useState(/** @type {unknown} */ (null));
  // The picture first: its request need not wait for the list that gives the frame's size.
  useMemo(() => id && stretch.mode === "auto" && prefetchScreenPreview(id), [id]);

  useEffect(() => {
    setDetails(null);
    setStars(null);
    setHistogram(null);
    setFirstDrawMs(null);
    setAnswered(false);
    setError(null);
  }, [id]);

  // Figures and stars once the box has answered with the picture (it renders pictures and
  // measures stars in the same imaging workers), not after its bytes have come and been drawn.
  useEffect(() => {
    if (!id || !answered) return;
    let live = true;
    get(`/frames/${encodeURIComponent(id)}`).then(
      (d) => live && setDetails(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [id, answered]);
  useEffect(() => {
    if (!id || !showStars || stars) return;
    get(`/frames/${encodeURIComponent(id)}/stars?limit=1000`).then(
      (s) => setStars(s.stars),
      setError,
    );
  }, [id, showStars, stars]);
  useEffect(() => {
    if (!id || panel !== "histogram" || histogram) return;
    get(`/frames/${encodeURIComponent(id)}/histogram?bins=8192`).then(setHistogram, setError);
  }, [id, panel, histogram]);

  const query = useMemo(() => stretchQuery(stretch), [stretch]);
  const f = details?.figures;
  const older = index >= 0 ? list[index + 1] : undefined;
  const newer = index > 0 ? list[index - 1] : undefined;
  /** @param {string} kind */
  const cmd = (kind) => setCommand({ kind, n: (command?.n ?? 0) + 1 });
  const zoomPct = view ? Math.round(view.scale * view.dpr * 100) : null;

  if (!id) {
    return html`<p class="empty">${
      recent.loading
        ? "Reading frames…"
        : "No frame has been taken yet. Take one on the Capture screen."
    }</p>`;
  }
  return html`<div class="viewer" data-frame=${id}>
    <div class="viewer-stage">
      ${
    frame && html`
      <${ViewerStage} frameId=${id} widthPx=${frame.width} heightPx=${frame.height}
        query=${query} stars=${stars} showStars=${showStars} command=${command}
        label=${`Frame ${
          frame.object ?? frame.frame_type
        }, ${frame.duration_s} s, ${frame.width}×${frame.height}`}
        onView=${setView} onFirstDraw=${(/** @type {number} */ ms) => setFirstDrawMs(ms)}
        onAnswer=${() => setAnswered(true)} />
    `
  }
      <div class="viewer-info" aria-live="polite">
        ${
    frame
      ? html`<div>${frame.object ?? frame.frame_type} · ${frame.duration_s} s ${
        frame.filter ?? ""
      } · ${clockSeconds(frame.started_at)}
          · ${zoomPct === null ? "" : `${zoomPct}%`}</div>`
      : "Loading…"
  }
        <div data-testid="figures">${
    f
      ? `Stars ${f.star_count} · HFR ${num(f.median_hfr_px, 2)} px${
        f.median_hfr_arcsec ? ` (${num(f.median_hfr_arcsec, 2, "″")})` : ""
      } · FWHM ${num(f.median_fwhm_px, 2)} px · Ecc ${num(f.eccentricity, 2)}`
      : details
      ? "No star figures for a colour image"
      : "Measuring stars…"
  }</div>
      </div>
    </div>
    <${ErrorLine} error=${error} />
    ${
    panel === "histogram" && html`
      <div class="viewer-panel">
        <${HistogramPanel} histogram=${histogram} stretch=${stretch} onStretch=${setStretch} />
      </div>
    `
  }
    ${
    panel === "info" && frame && html`
      <div class="viewer-panel small">
        <p>${frame.path}</p>
        <p>${frame.width}×${frame.height} · bin ${frame.binning} · gain ${frame
          .gain} · offset ${frame.offset}
              · ${frame.sensor_temp_c === null
                ? ""
                : `${num(frame.sensor_temp_c, 1, "°C")} · `}${frame.frame_type}</p>
        <p><a class="button" href=${apiUrl(
          `/frames/${encodeURIComponent(id)}/file`,
        )} download>Download FITS</a>
              <a class="button" href=${apiUrl(
                `/frames/${encodeURIComponent(id)}/preview?max_px=4096&quality=92&${query}`,
              )}
                download=${`${id}.jpg`}>Download JPEG</a></p>
        <label class="toggle"><input type="checkbox" checked=${follow}
              onChange=${(/** @type {Event} */ e) =>
                setFollow(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} />
              <span>Show new frames as they arrive</span></label>
      </div>
    `
  }
    <div class="viewer-bar" role="toolbar" aria-label="Viewer">
      <button type="button" onClick=${() => cmd("fit")}>Fit</button>
      <button type="button" onClick=${() => cmd("1:1")} aria-label="Zoom to 1:1">1:1</button>
      <button type="button" onClick=${() => cmd("in")} aria-label="Zoom in">+</button>
      <button type="button" onClick=${() => cmd("out")} aria-label="Zoom out">−</button>
      <button type="button" aria-pressed=${showStars ? "true" : "false"} onClick=${() =>
    setShowStars(!showStars)}>Stars</button>
      <button type="button" aria-pressed=${panel === "histogram" ? "true" : "false"}
        onClick=${() => setPanel(panel === "histogram" ? "none" : "histogram")}>Histogram</button>
      <button type="button" aria-pressed=${panel === "info" ? "true" : "false"}
        onClick=${() => setPanel(panel === "info" ? "none" : "info")}>Info</button>
      <button type="button" disabled=${!older} aria-label="Older frame"
        onClick=${() => {
    setFollow(false);
    if (older) navigate("viewer", older.id);
  }}>‹ Older</button>
      <button type="button" disabled=${!newer} aria-label="Newer frame"
        onClick=${() => newer && navigate("viewer", newer.id)}>Newer ›</button>
    </div>
    ${
    firstDrawMs !== null &&
    html`<span class="sr-only" data-first-draw-ms=${Math.round(firstDrawMs)}>Frame shown</span>`
  }
  </div>`;
}
