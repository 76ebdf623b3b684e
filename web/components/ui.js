// @ts-check
/**
 * The app's building blocks. Every control has a visible label or an aria-label (the tests find
 * them by role and name), inputs are 16 px so iOS does not zoom, buttons are at least 44 px.
 * `Action` is the button for anything that calls the box: it shows that it is busy and, when
 * the box refuses, the box's own message right under it.
 */
import { html } from "htm/preact";
import { useId, useState } from "preact/hooks";
import { messageOf } from "../lib/api.js";

/** @typedef {import("preact").ComponentChildren} Children */

/**
 * @param {{ title: Children, children?: Children, class?: string, actions?: Children }} props
 */
export function Card({ title, children, class: cls = "", actions }) {
  const id = useId();
  return html`<section class=${`card ${cls}`} aria-labelledby=${id}>
    <div class="card-head"><h2 id=${id}>${title}</h2>${actions}</div>
    ${children}
  </section>`;
}

/**
 * Label/value pairs; values use tabular figures and keep their width as data arrives.
 * @param {{ rows: [Children, Children][], class?: string, label?: string }} props
 */
export function Stats({ rows, class: cls = "", label }) {
  return html`<dl class=${`stats ${cls}`} aria-label=${label}>
    ${
    rows.map(([k, v]) =>
      html`
        <div class="stat">
          <dt>${k}</dt>
          <dd>${v}</dd>
        </div>
      `
    )
  }
  </dl>`;
}

/**
 * A button that runs an API call: busy while it runs, the box's message under it if it fails.
 * `confirm` asks first (for what cannot be undone).
 * @param {{ label: Children, run: () => unknown, kind?: string, confirm?: string,
 *   disabled?: boolean, busyLabel?: string, ariaLabel?: string, wide?: boolean,
 *   onDone?: (value: unknown) => void }} props
 */
export function Action(props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(/** @type {string | null} */ (null));
  const click = async () => {
    if (props.confirm && !globalThis.confirm(props.confirm)) return;
    setBusy(true);
    setError(null);
    try {
      const value = await props.run();
      props.onDone?.(value);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<div class=${`action ${props.wide ? "wide" : ""}`}>
    <button
      type="button"
      class=${props.kind ?? ""}
      disabled=${props.disabled || busy}
      aria-busy=${busy ? "true" : "false"}
      aria-label=${props.ariaLabel}
      onClick=${click}
    >${busy && props.busyLabel ? props.busyLabel : props.label}</button>
    ${error && html`<p class="err" role="alert">${error}</p>`}
  </div>`;
}

/** An error (or nothing) shown where it happened. @param {{ error: unknown }} props */
export function ErrorLine({ error }) {
  if (!error) return null;
  return html`<p class="err" role="alert">${messageOf(error)}</p>`;
}

/**
 * A labelled input. `value` is the text in the box; `onInput` gets the new text.
 * @param {{ label: Children, value: string | number, onInput: (v: string) => void,
 *   type?: string, unit?: string, min?: number, max?: number, step?: number | string,
 *   placeholder?: string, inputMode?: string, list?: string, hint?: Children,
 *   autocomplete?: string, name?: string, enterkeyhint?: string,
 *   onEnter?: () => void }} props
 */
export function Field(props) {
  const id = useId();
  const type = props.type ?? "text";
  return html`<div class="field">
    <label for=${id}>${props.label}${
    props.unit
      ? html`
        <span class="unit">(${props.unit})</span>
      `
      : null
  }</label>
    <input
      id=${id}
      name=${props.name}
      type=${type}
      value=${props.value}
      min=${props.min}
      max=${props.max}
      step=${props.step ?? (type === "number" ? "any" : undefined)}
      placeholder=${props.placeholder}
      inputmode=${props.inputMode ?? (type === "number" ? "decimal" : undefined)}
      list=${props.list}
      autocomplete=${props.autocomplete ?? "off"}
      enterkeyhint=${props.enterkeyhint}
      onInput=${(/** @type {InputEvent} */ e) =>
    props.onInput(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
      onKeyDown=${(/** @type {KeyboardEvent} */ e) => {
    if (e.key === "Enter" && props.onEnter) props.onEnter();
  }}
    />
    ${props.hint && html`<small class="hint">${props.hint}</small>`}
  </div>`;
}

/**
 * @param {{ label: Children, value: string, onChange: (v: string) => void,
 *   options: (string | [string, Children])[] }} props
 */
export function Select({ label, value, onChange, options }) {
  const id = useId();
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} value=${value} onChange=${(/** @type {Event} */ e) =>
        onChange(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
          ${options.map((o) => {
            const [v, text] = Array.isArray(o) ? o : [o, o];
            return html`<option value=${v} selected=${v === value}>${text}</option>`;
          })}
        </select>
    </div>
  `;
}

/** @param {{ label: Children, checked: boolean, onChange: (v: boolean) => void }} props */
export function Toggle({ label, checked, onChange }) {
  return html`
    <label class="toggle">
      <input type="checkbox" checked=${checked} onChange=${(/** @type {Event} */ e) =>
        onChange(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} />
      <span>${label}</span>
    </label>
  `;
}

/**
 * One choice of a few, as a row of buttons (radio semantics).
 * @param {{ label: string, value: string, onChange: (v: string) => void,
 *   options: (string | [string, Children])[] }} props
 */
export function Segmented({ label, value, onChange, options }) {
  const name = useId();
  return html`
    <fieldset class="segmented">
      <legend>${label}</legend>
      <div class="seg-row">
          ${options.map((o) => {
            const [v, text] = Array.isArray(o) ? o : [o, o];
            return html`
              <label class=${v === value ? "on" : ""}>
                <input type="radio" name=${name} value=${v} checked=${v === value}
                  onChange=${() => onChange(v)} />
                <span>${text}</span>
              </label>
            `;
          })}
        </div>
    </fieldset>
  `;
}

/** @param {{ value: number | null | undefined, label: string, text?: Children }} props 0..1 */
export function Progress({ value, label, text }) {
  const pct = value === null || value === undefined ? 0 : Math.max(0, Math.min(1, value)) * 100;
  return html`<div class="progress-wrap">
    <div class="progress" role="progressbar" aria-label=${label} aria-valuemin="0"
      aria-valuemax="100" aria-valuenow=${Math.round(pct)}>
      <i style=${`width:${pct}%`}></i>
    </div>
    ${text !== undefined && html`<span class="progress-text">${text}</span>`}
  </div>`;
}

/** A status word with a colour class: ok, busy, warn, bad. @param {{ state: string, children: Children }} props */
export function Pill({ state, children }) {
  return html`<span class=${`pill ${state}`}>${children}</span>`;
}

/** A row of controls that wraps. @param {{ children: Children, class?: string }} props */
export function Row({ children, class: cls = "" }) {
  return html`<div class=${`row ${cls}`}>${children}</div>`;
}

/** What to show while there is nothing yet. @param {{ children: Children }} props */
export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}
