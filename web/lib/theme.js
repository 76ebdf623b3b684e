// @ts-check
/**
 * Day and night mode. Night mode is red on black for dark-adapted eyes, and frames are drawn
 * with their brightness mapped to red (components/frame_image.js), not tinted. The choice is kept
 * on the phone; index.html applies it before the first paint so the screen never flashes white.
 */
import { effect, signal } from "@preact/signals";

const KEY = "osl.theme";

/** @type {import("@preact/signals").Signal<"night" | "day">} */
export const theme = signal(document.documentElement.dataset.theme === "day" ? "day" : "night");

effect(() => {
  const value = theme.value;
  document.documentElement.dataset.theme = value;
  document.querySelector('meta[name="theme-color"]')?.setAttribute(
    "content",
    value === "night" ? "#000000" : "#f4f5f7",
  );
  try {
    localStorage.setItem(KEY, value);
  } catch { /* private mode */ }
});

export function toggleTheme() {
  theme.value = theme.value === "night" ? "day" : "night";
}
