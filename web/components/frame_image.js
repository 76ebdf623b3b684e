// @ts-check
/**
 * A frame JPEG drawn on a canvas. In night mode each pixel's brightness becomes red on black
 * (r = luminance, g = b = 0): stars stay stars and the sky stays dark, where a CSS tint would
 * turn a bright frame into a red block. The box keeps its aspect ratio before the image
 * arrives, so nothing below it moves. On a link straight to its screen the frame's small first
 * look, which the shell asked for, is drawn until the image itself is.
 */
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { takeEarly } from "../lib/api.js";
import { theme } from "../lib/theme.js";

/**
 * Maps brightness to red in place (Rec. 601 luma).
 * @param {ImageData} image
 */
export function toNightRed(image) {
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    d[i] = ((d[i] ?? 0) * 77 + (d[i + 1] ?? 0) * 150 + (d[i + 2] ?? 0) * 29) >> 8;
    d[i + 1] = 0;
    d[i + 2] = 0;
  }
}

/**
 * Draws `img` into `ctx` at (x, y, w, h), mapped to red in night mode.
 * @param {CanvasRenderingContext2D} ctx
 * @param {CanvasImageSource} img
 * @param {number} x @param {number} y @param {number} w @param {number} h
 * @param {boolean} night
 */
export function drawFrame(ctx, img, x, y, w, h, night) {
  ctx.drawImage(img, x, y, w, h);
  if (!night) return;
  const cx = Math.max(0, Math.floor(x));
  const cy = Math.max(0, Math.floor(y));
  const cw = Math.min(ctx.canvas.width, Math.ceil(x + w)) - cx;
  const ch = Math.min(ctx.canvas.height, Math.ceil(y + h)) - cy;
  if (cw <= 0 || ch <= 0) return;
  const data = ctx.getImageData(cx, cy, cw, ch);
  toNightRed(data);
  ctx.putImageData(data, cx, cy);
}

/** @typedef {{ source: CanvasImageSource, widthPx: number, heightPx: number }} Picture */

/** @param {string} src @returns {Promise<Picture>} */
function pictureAt(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = "async";
    img.onload = () =>
      resolve({ source: img, widthPx: img.naturalWidth, heightPx: img.naturalHeight });
    img.onerror = () => reject(new Error("The image could not be loaded from the box"));
    img.src = src;
  });
}

/**
 * The picture in an answer started early, or null when there is none or it failed.
 * @param {Promise<Response> | null} started
 * @returns {Promise<Picture | null>}
 */
async function pictureFrom(started) {
  const res = await started?.catch(() => null);
  const blob = res?.ok ? await res.blob().catch(() => null) : null;
  const bitmap = blob ? await createImageBitmap(blob).catch(() => null) : null;
  return bitmap && { source: bitmap, widthPx: bitmap.width, heightPx: bitmap.height };
}

/**
 * Loads a picture, from the answer the shell started early when there is one (lib/api.js
 * takeEarly); rejects with a readable message.
 * @param {string} src
 */
async function loadPicture(src) {
  return await pictureFrom(takeEarly(src)) ?? await pictureAt(src);
}

/**
 * @param {{ src: string | null, firstLook?: string | null, alt: string, aspect?: number,
 *   class?: string, onClick?: () => void }} props
 *   aspect: width / height before the image is known; firstLook: the URL of a small version of
 *   `src` (lib/api.js firstLookUrl), drawn until `src` is when the shell started it early — never
 *   asked for otherwise, and never drawn over `src`
 */
export function FrameImage(
  { src, firstLook = null, alt, aspect = 3 / 2, class: cls = "", onClick },
) {
  const canvas = useRef(/** @type {HTMLCanvasElement | null} */ (null));
  const [shown, setShown] = useState(
    /** @type {{ picture: Picture, full: boolean } | null} */ (null),
  );
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const night = theme.value === "night";
  useEffect(() => {
    if (!src) return;
    let live = true;
    let full = false;
    const started = firstLook ? takeEarly(firstLook) : null;
    if (started) {
      pictureFrom(started).then((picture) => {
        if (live && !full && picture) setShown({ picture, full: false });
      });
    }
    loadPicture(src).then(
      (picture) => {
        full = true;
        if (live) (setShown({ picture, full: true }), setError(null));
      },
      (e) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [src]);
  useEffect(() => {
    const c = canvas.current;
    if (!c || !shown) return;
    const { source, widthPx, heightPx } = shown.picture;
    c.width = widthPx;
    c.height = heightPx;
    const ctx = c.getContext("2d", { willReadFrequently: true });
    if (ctx) drawFrame(ctx, source, 0, 0, c.width, c.height, night);
    // Which picture is drawn, set once it is (the tests and benchmarks read it).
    c.dataset.image = shown.full ? "full" : "first-look";
  }, [shown, night]);
  // The small version's sides are rounded to whole pixels: the box keeps the given aspect.
  const ratio = shown?.full ? shown.picture.widthPx / shown.picture.heightPx : aspect;
  return html`<div class=${`frame-image ${cls}`} style=${`aspect-ratio:${ratio}`}>
    <canvas ref=${canvas} role="img" aria-label=${alt}
      data-loaded=${shown?.full ? "true" : "false"}
      onClick=${onClick}></canvas>
    ${!src && html`<span class="frame-empty">No frame yet</span>`}
    ${error && html`<span class="frame-empty err">${error}</span>`}
  </div>`;
}
