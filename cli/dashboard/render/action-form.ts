import { html, type Html } from '../html.js';
import type { Frame } from './layout.js';

/** A form for an action: a POST with the session token, confirmed in a dialog (or, without JavaScript, on a page of its own). */
export function actionForm(
  frame: Frame,
  action: string,
  fields: Record<string, string>,
  button: { text: string; kind: string },
  confirm: string,
  extra?: Html,
): Html {
  return html`<form method="post" action="${action}" class="action" data-confirm="${confirm}">
<input type="hidden" name="token" value="${frame.token}">
${Object.entries(fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
${extra ?? ''}<button type="submit" class="${button.kind}">${button.text}</button></form>`;
}
