import { readFileSync } from "node:fs";

// The page's style and script are plain files next to this one, inlined into the HTML: the page
// loads nothing from the network (the CSP below forbids it) and works offline.
const STYLE = readFileSync(new URL("./picker-page.css", import.meta.url), "utf8");
const SCRIPT = readFileSync(new URL("./picker-client.js", import.meta.url), "utf8");

/** A JS string literal that is safe inside <script> (`<` escaped, so no `</script>` can occur). */
export function scriptString(v: string): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function pickerPageHeaders(nonce: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
  };
}

export function pickerPageHtml(o: { token: string; nonce: string; platform: string; version: string; configPath: string }): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Codex Shim - Model Picker</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<style nonce="${o.nonce}">${STYLE}</style>
</head>
<body>
<main class="wrap">
  <header class="top">
    <p class="brand">codex-shim <span class="ver">${esc(o.version)}</span></p>
    <h1>Choose the model Codex uses</h1>
    <p class="lede">Your choice is written to <code>${esc(o.configPath)}</code> (backed up first; <code>codex-shim disable</code> restores the file).</p>
  </header>
  <section class="current" id="current" aria-live="polite" aria-label="Active model">
    <p class="current-label">Active in Codex</p>
    <p class="current-name" id="current-name">Loading…</p>
    <p class="current-meta" id="current-meta"></p>
  </section>
  <div class="toolbar">
    <label class="search">
      <svg aria-hidden="true" viewBox="0 0 20 20" width="18" height="18"><circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" stroke-width="2"/><path d="M13 13l4.5 4.5" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>
      <input id="filter" type="search" autocomplete="off" spellcheck="false" placeholder="Filter by name, slug or provider" aria-label="Filter models" aria-controls="list">
      <kbd aria-hidden="true">/</kbd>
    </label>
    <label class="restart" id="restart-label"><input type="checkbox" id="restart"> <span id="restart-text">Restart Codex Desktop after switching</span></label>
  </div>
  <div id="status" class="status" role="status" aria-live="polite" hidden></div>
  <div id="list" class="list" aria-label="Models"></div>
  <p class="hint">Keys: <kbd>/</kbd> filter · <kbd>↑</kbd><kbd>↓</kbd> move · <kbd>Enter</kbd> switch · <kbd>Esc</kbd> clear filter</p>
</main>
<script nonce="${o.nonce}">
const PICKER_TOKEN = ${scriptString(o.token)};
const PICKER_PLATFORM = ${scriptString(o.platform)};
${SCRIPT}</script>
</body></html>
`;
}
