import { html, type Html } from '../html.js';
import { who } from './format.js';

/** What every page carries: where the data comes from, who acts, and the session token for actions. */
export interface Frame {
  source: string;
  identity: string;
  token: string;
}

/**
 * The page around a `live` fragment: the fragment is what /events sends
 * again when it changes, so only it is inside #live; filters and the
 * heading stay put while a person uses them.
 */
export function layout(frame: Frame, page: { title: string; path: string; heading: Html | string; before?: Html; live: Html }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="shipwatch-token" content="${frame.token}">
<link rel="icon" href="data:,">
<title>${page.title} · Shipwatch</title>
<link rel="stylesheet" href="/static/dashboard.css">
<script src="/static/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="top">
  <a class="brand" href="/">Shipwatch</a>
  <nav aria-label="main"><a href="/">Services</a></nav>
  <span class="source" title="where the records are">${frame.source}</span>
  <span class="identity" title="${frame.identity}">acting as ${who(frame.identity)}</span>
  <span id="live-status" class="live-status" role="status" data-state="static">updates when the page loads</span>
</header>
<main id="main" data-live-page="${page.path}">
<h1>${page.heading}</h1>
${page.before ?? ''}
<div id="live">${page.live}</div>
</main>
<div id="action-status" class="action-status" role="status" aria-live="polite"></div>
<dialog id="confirm" aria-labelledby="confirm-title">
  <form method="dialog">
    <h2 id="confirm-title">Are you sure?</h2>
    <p id="confirm-text"></p>
    <p class="acting">This is done with your AWS identity (${who(frame.identity)}) and recorded as such.</p>
    <div class="buttons"><button value="cancel" class="secondary">Cancel</button> <button value="confirm" id="confirm-yes" class="primary">Confirm</button></div>
  </form>
</dialog>
</body>
</html>`;
}

/** A page with a message and nothing live: refusals, confirmations without JavaScript, errors. */
export function messagePage(frame: Frame | undefined, title: string, body: Html | string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Shipwatch</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/static/dashboard.css"></head>
<body><header class="top"><a class="brand" href="/">Shipwatch</a>${frame ? html`<span class="identity">acting as ${who(frame.identity)}</span>` : ''}</header>
<main id="main"><h1>${title}</h1>${body}</main></body></html>`;
}
