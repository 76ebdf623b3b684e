// @ts-check
import { html } from "htm/preact";
export default function Screen() {
  return html`<p>todo</p>`;
}
