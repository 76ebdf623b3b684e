// @ts-check
/**
 * The zoomable frame. It first shows the frame's screen preview (the whole frame at about a
 * phone screen's resolution, which the box renders as soon as it saves a frame, so it comes at
 * once; on a link straight to the frame, the small first look the shell asked for until then),
 * then, whenever the view settles and the screen shows more detail than the images it has
 * — a larger screen at fit, or a pan or pinch into the frame — asks the box for just the visible
 * region at the screen's resolution — never the 20-50 MB frame. Pinch and drag with fingers, wheel and drag with a
 * mouse, double tap toggles fit and 1:1 (one frame pixel per device pixel). Star markers circle
 * the measured stars with their HFR. In night mode the images are mapped to red once per image,
 * not per redraw, so panning stays smooth.
 */
import { html } from "htm/preact";
import { useEffect, useRef } from "preact/hooks";
import {
  apiUrl,
  fetchEarly,
  firstLookUrl,
  SCREEN_PREVIEW_PX,
  screenPreviewUrl,
  takeEarly,
} from "../lib/api.js";
import { theme } from "../lib/theme.js";
import { toNightRed } from "./frame_image.js";

/** @typedef {{ x: number, y: number, w: number, h: number }} Rect */
/** @typedef {{ scale: number, cx: number, cy: number }} View scale: CSS px per frame px; centre in frame px */
/** @typedef {{ x: number, y: number, hfr_px: number }} Star */
/** @typedef {{ source: CanvasImageSource, rect: Rect, key: string }} Layer */

/**
 * Decodes a JPEG from the box into a drawable, mapped to red for night mode.
 * @param {Blob} blob @param {boolean} night
 * @returns {Promise<CanvasImageSource & { width: number, height: number }>}
 */
async function decode(blob, night) {
  const bitmap = await createImageBitmap(blob);
  if (!night) return bitmap;
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx =
    /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d", { willReadFrequently: true }));
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
  toNightRed(data);
  ctx.putImageData(data, 0, 0);
  bitmap.close();
  return canvas;
}

/**
 * Starts fetching a frame's screen preview as soon as the viewer knows which frame it shows,
 * while its list of frames (the frame's size, which the stage needs) is still on the way; the
 * stage then takes this answer (or the one the shell started for a deep link) instead of asking
 * again.
 * @param {string} frameId
 */
export function prefetchScreenPreview(frameId) {
  fetchEarly(screenPreviewUrl(frameId));
}

/** "x,y,w,h" from X-Region. @param {string | null} header @param {Rect} fallback */
function parseRegion(header, fallback) {
  const parts = (header ?? "").split(",").map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return fallback;
  return { x: parts[0] ?? 0, y: parts[1] ?? 0, w: parts[2] ?? 1, h: parts[3] ?? 1 };
}

/**
 * @param {{ frameId: string, widthPx: number, heightPx: number, query: string,
 *   stars: Star[] | null, showStars: boolean, command: { kind: string, n: number } | null,
 *   onView?: (v: View & { fit: number, dpr: number }) => void,
 *   onFirstDraw?: (ms: number) => void, onAnswer?: () => void, label: string }} props
 *   query: the stretch part of the preview URL ("stretch=auto" …)
 */
export function ViewerStage(props) {
  const canvasRef = useRef(/** @type {HTMLCanvasElement | null} */ (null));
  const state = useRef({
    /** @type {View} */ view: { scale: 1, cx: props.widthPx / 2, cy: props.heightPx / 2 },
    fit: 1,
    /** @type {Layer | null} */ base: null,
    /** The base is the frame's first look (lib/api.js FIRST_LOOK_QUERY), the real one to come. */
    baseIsFirstLook: false,
    /** max_px the base was asked with: the box has no more of the whole frame below it */
    baseMaxPx: 0,
    /** @type {Layer | null} */ detail: null,
    /** @type {Map<number, { x: number, y: number }>} */ pointers: new Map(),
    /** @type {{ dist: number, scale: number, mid: { x: number, y: number }, cx: number, cy: number } | null} */
    pinch: null,
    /** @type {AbortController | null} */ loading: null,
    /** @type {ReturnType<typeof setTimeout> | undefined} */ settle: undefined,
    lastTap: 0,
    frame: 0,
    started: 0,
    drawnFirst: false,
  });
  const s = state.current;
  const night = theme.value === "night";
  const propsRef = useRef(props);
  propsRef.current = props;

  const size = () => {
    const c = canvasRef.current;
    return c
      ? { w: c.clientWidth, h: c.clientHeight, dpr: devicePixelRatio || 1 }
      : { w: 1, h: 1, dpr: 1 };
  };

  const draw = () => {
    s.frame = 0;
    const c = canvasRef.current;
    if (!c) return;
    const { w, h, dpr } = size();
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext("2d"));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, c.width, c.height);
    const { scale, cx, cy } = s.view;
    const k = scale * dpr;
    /** frame px → device px */
    const tx = (/** @type {number} */ x) => (x - cx) * k + c.width / 2;
    const ty = (/** @type {number} */ y) => (y - cy) * k + c.height / 2;
    ctx.imageSmoothingEnabled = k < 2;
    for (const layer of [s.base, s.detail]) {
      if (!layer) continue;
      const r = layer.rect;
      ctx.drawImage(layer.source, tx(r.x), ty(r.y), r.w * k, r.h * k);
    }
    const p = propsRef.current;
    if (p.showStars && p.stars) {
      const style = getComputedStyle(document.documentElement);
      ctx.strokeStyle = night ? "#ff6040" : style.getPropertyValue("--accent").trim() || "#3cf";
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = Math.max(1, dpr);
      ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
      const labels = k >= 0.6;
      for (const star of p.stars) {
        const x = tx(star.x + 0.5);
        const y = ty(star.y + 0.5);
        if (x < -20 || y < -20 || x > c.width + 20 || y > c.height + 20) continue;
        const r = Math.max(4 * dpr, star.hfr_px * 2 * k);
        ctx.beginPath();
        ctx.arc(x, y, r, 0, Math.PI * 2);
        ctx.stroke();
        if (labels) ctx.fillText(star.hfr_px.toFixed(2), x + r + 2 * dpr, y - r);
      }
    }
    if (s.base) c.dataset.image = s.baseIsFirstLook ? "first-look" : "full";
    else delete c.dataset.image;
    if (s.base && !s.baseIsFirstLook && !s.drawnFirst) {
      s.drawnFirst = true;
      c.dataset.drawn = "true";
      p.onFirstDraw?.(performance.now() - s.started);
    }
    p.onView?.({ ...s.view, fit: s.fit, dpr });
  };

  const redraw = () => {
    if (!s.frame) s.frame = requestAnimationFrame(draw);
  };

  /** Keeps the frame on screen and the zoom within fit/2 … 8 device px per frame px. @param {View} v */
  const clampView = (v) => {
    const { w, h, dpr } = size();
    const scale = Math.min(Math.max(v.scale, s.fit * 0.5), 8 / dpr);
    const halfW = w / scale / 2;
    const halfH = h / scale / 2;
    const W = propsRef.current.widthPx;
    const H = propsRef.current.heightPx;
    const cx = halfW * 2 >= W ? W / 2 : Math.min(Math.max(v.cx, halfW), W - halfW);
    const cy = halfH * 2 >= H ? H / 2 : Math.min(Math.max(v.cy, halfH), H - halfH);
    return { scale, cx, cy };
  };

  /** @param {View} v */
  const setView = (v) => {
    s.view = clampView(v);
    redraw();
    clearTimeout(s.settle);
    s.settle = setTimeout(loadDetail, 180);
  };

  /**
   * @param {string} query @param {number} maxPx @param {Rect | null} rect
   * @param {AbortSignal} signal
   * @param {() => void} [onAnswer] called once the box has answered (before the body arrives)
   */
  const fetchLayer = async (query, maxPx, rect, signal, onAnswer) => {
    const p = propsRef.current;
    const region = rect ? `&x=${rect.x}&y=${rect.y}&w=${rect.w}&h=${rect.h}` : "";
    const url = apiUrl(
      `/frames/${encodeURIComponent(p.frameId)}/preview?max_px=${maxPx}&${query}${region}`,
    );
    const res = await (takeEarly(url) ?? fetch(url, { signal }));
    signal.throwIfAborted();
    if (!res.ok) throw new Error(`the box answered ${res.status} for the frame's image`);
    onAnswer?.();
    return await layerOf(res, rect, query);
  };

  /** @param {Response} res @param {Rect | null} rect @param {string} query @returns {Promise<Layer>} */
  const layerOf = async (res, rect, query) => {
    const p = propsRef.current;
    const full = { x: 0, y: 0, w: p.widthPx, h: p.heightPx };
    const got = parseRegion(res.headers.get("x-region"), rect ?? full);
    const source = await decode(await res.blob(), theme.value === "night");
    return { source, rect: got, key: `${p.frameId}|${query}|${theme.value}` };
  };

  const loadDetail = async () => {
    const p = propsRef.current;
    const { w, h, dpr } = size();
    const base = s.base;
    // Not from a first look: the real base may already be all this view needs.
    if (!base || s.baseIsFirstLook) return;
    const baseDevicePerFrame =
      (/** @type {{ width: number }} */ (/** @type {unknown} */ (base.source))).width / p.widthPx;
    const k = s.view.scale * dpr;
    if (k <= baseDevicePerFrame * 1.15) {
      if (s.detail) {
        s.detail = null;
        redraw();
      }
      return;
    }
    const vw = w / s.view.scale;
    const vh = h / s.view.scale;
    const rect = {
      x: Math.max(0, Math.floor(s.view.cx - vw * 0.55)),
      y: Math.max(0, Math.floor(s.view.cy - vh * 0.55)),
      w: 0,
      h: 0,
    };
    rect.w = Math.min(p.widthPx - rect.x, Math.ceil(vw * 1.1));
    rect.h = Math.min(p.heightPx - rect.y, Math.ceil(vh * 1.1));
    const maxPx = Math.max(16, Math.min(4096, Math.ceil(Math.max(rect.w, rect.h) * k)));
    // The whole frame again at a size no larger than the base was asked at: the box would send
    // the same picture (it downscales by whole factors), so there is nothing more to see.
    const whole = rect.w >= p.widthPx && rect.h >= p.heightPx;
    if (whole && maxPx <= s.baseMaxPx) {
      if (s.detail) {
        s.detail = null;
        redraw();
      }
      return;
    }
    const d = s.detail;
    if (
      d && d.key.startsWith(`${p.frameId}|${p.query}|`) && d.rect.x <= rect.x &&
      d.rect.y <= rect.y &&
      d.rect.x + d.rect.w >= rect.x + rect.w && d.rect.y + d.rect.h >= rect.y + rect.h &&
      /** @type {{ width: number }} */ (/** @type {unknown} */ (d.source)).width / d.rect.w >=
        k * 0.9
    ) return;
    s.loading?.abort();
    const controller = new AbortController();
    s.loading = controller;
    try {
      s.detail = await fetchLayer(p.query, maxPx, rect, controller.signal);
      redraw();
    } catch (err) {
      if (!controller.signal.aborted) console.warn(err);
    }
  };

  // A new frame, stretch or theme: show the whole frame (its screen preview when the stretch is
  // the automatic one), keep the view; a screen that needs more detail gets it in loadDetail.
  useEffect(() => {
    const p = props;
    s.started = performance.now();
    s.drawnFirst = false;
    const c = canvasRef.current;
    if (c) delete c.dataset.drawn;
    const { w, h, dpr } = size();
    s.fit = Math.min(w / p.widthPx, h / p.heightPx);
    const sameFrame = s.base?.key.startsWith(`${p.frameId}|`);
    if (!sameFrame) {
      s.view = { scale: s.fit, cx: p.widthPx / 2, cy: p.heightPx / 2 };
      s.base = null;
      s.baseIsFirstLook = false;
      s.detail = null;
      redraw();
    }
    const controller = new AbortController();
    let done = false;
    // A link straight to this frame: the shell asked for its first look too; it is shown until
    // the screen preview is (and not at all if that comes first).
    const firstLook = p.query === "stretch=auto" && !sameFrame
      ? takeEarly(firstLookUrl(p.frameId))
      : null;
    firstLook?.then(async (res) => {
      if (!res.ok) return;
      const layer = await layerOf(res, null, p.query);
      if (done || controller.signal.aborted) return;
      s.base = layer;
      s.baseIsFirstLook = true;
      redraw();
    }).catch(() => {}); // only a head start: the screen preview follows
    // The screen preview, rendered ahead by the box; with a manual stretch, the frame as big as
    // it is drawn when fitted, in device pixels.
    const maxPx = p.query === "stretch=auto"
      ? SCREEN_PREVIEW_PX
      : Math.max(16, Math.ceil(Math.max(p.widthPx, p.heightPx) * s.fit * dpr));
    fetchLayer(p.query, maxPx, null, controller.signal, () => p.onAnswer?.()).then((layer) => {
      done = true;
      s.base = layer;
      s.baseIsFirstLook = false;
      s.baseMaxPx = maxPx;
      s.detail = null;
      redraw();
      loadDetail();
    }, (err) => {
      if (!controller.signal.aborted) console.warn(err);
    });
    return () => controller.abort();
  }, [props.frameId, props.query, night, props.widthPx, props.heightPx]);

  useEffect(redraw, [props.stars, props.showStars]);

  // Fit / 1:1 / zoom commands from the buttons.
  useEffect(() => {
    const cmd = props.command;
    if (!cmd) return;
    const { dpr } = size();
    if (cmd.kind === "fit") {
      setView({ scale: s.fit, cx: props.widthPx / 2, cy: props.heightPx / 2 });
    } else if (cmd.kind === "1:1") setView({ ...s.view, scale: 1 / dpr });
    else if (cmd.kind === "in") setView({ ...s.view, scale: s.view.scale * 1.6 });
    else if (cmd.kind === "out") setView({ ...s.view, scale: s.view.scale / 1.6 });
  }, [props.command?.n]);

  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const observer = new ResizeObserver(() => {
      const { w, h } = size();
      const fitBefore = s.fit;
      s.fit = Math.min(w / propsRef.current.widthPx, h / propsRef.current.heightPx);
      if (Math.abs(s.view.scale - fitBefore) < 1e-9) s.view.scale = s.fit;
      setView(s.view);
    });
    observer.observe(c);
    return () => observer.disconnect();
  }, []);

  /** Client point → canvas CSS px. @param {PointerEvent | WheelEvent | MouseEvent} e */
  const local = (e) => {
    const r = /** @type {HTMLCanvasElement} */ (canvasRef.current).getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  /** Zooms by `factor` keeping the frame point under (px, py) where it is. */
  const zoomAt = (
    /** @type {number} */ factor,
    /** @type {number} */ px,
    /** @type {number} */ py,
  ) => {
    const { w, h } = size();
    const v = s.view;
    const fx = v.cx + (px - w / 2) / v.scale;
    const fy = v.cy + (py - h / 2) / v.scale;
    const scale = clampView({ ...v, scale: v.scale * factor }).scale;
    setView({ scale, cx: fx - (px - w / 2) / scale, cy: fy - (py - h / 2) / scale });
  };

  /** @param {PointerEvent} e */
  const down = (e) => {
    /** @type {HTMLCanvasElement} */ (e.currentTarget).setPointerCapture(e.pointerId);
    s.pointers.set(e.pointerId, local(e));
    if (s.pointers.size === 2) {
      const [a, b] = [...s.pointers.values()];
      if (a && b) {
        s.pinch = {
          dist: Math.hypot(a.x - b.x, a.y - b.y) || 1,
          scale: s.view.scale,
          mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
          cx: s.view.cx,
          cy: s.view.cy,
        };
      }
    } else if (s.pointers.size === 1) {
      const now = performance.now();
      if (now - s.lastTap < 300) {
        const p = local(e);
        const { dpr } = size();
        const target = s.view.scale > s.fit * 1.5 ? s.fit : 1 / dpr;
        zoomAt(target / s.view.scale, p.x, p.y);
      }
      s.lastTap = now;
    }
  };

  /** @param {PointerEvent} e */
  const move = (e) => {
    const prev = s.pointers.get(e.pointerId);
    if (!prev) return;
    const now = local(e);
    s.pointers.set(e.pointerId, now);
    if (s.pointers.size >= 2 && s.pinch) {
      const [a, b] = [...s.pointers.values()];
      if (!a || !b) return;
      const { w, h } = size();
      const pinch = s.pinch;
      const scale = clampView({
        ...s.view,
        scale: pinch.scale * (Math.hypot(a.x - b.x, a.y - b.y) / pinch.dist),
      }).scale;
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      // The frame point under the pinch's starting midpoint follows the fingers' midpoint.
      const fx = pinch.cx + (pinch.mid.x - w / 2) / pinch.scale;
      const fy = pinch.cy + (pinch.mid.y - h / 2) / pinch.scale;
      setView({ scale, cx: fx - (mid.x - w / 2) / scale, cy: fy - (mid.y - h / 2) / scale });
    } else if (s.pointers.size === 1) {
      setView({
        ...s.view,
        cx: s.view.cx - (now.x - prev.x) / s.view.scale,
        cy: s.view.cy - (now.y - prev.y) / s.view.scale,
      });
    }
  };

  /** @param {PointerEvent} e */
  const up = (e) => {
    s.pointers.delete(e.pointerId);
    if (s.pointers.size < 2) s.pinch = null;
  };

  /** @param {WheelEvent} e */
  const wheel = (e) => {
    e.preventDefault();
    const p = local(e);
    zoomAt(Math.exp(-e.deltaY * 0.0015), p.x, p.y);
  };

  return html`
    <canvas ref=${canvasRef} role="img" aria-label=${props.label}
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up}
      onPointerCancel=${up}
      onWheel=${wheel}></canvas>
  `;
}
