/**
 * No inline script or style, no inline event handlers, nothing from another origin: the page's
 * code is /debug/assets/*.js, it talks only to the shim, and every string it shows is put in as
 * text (server/debug/client/dom.js), so a hostile model name or error message stays text.
 */
export const INSPECTOR_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** GET /debug: the flow inspector's shell; server/debug/client/inspector.js builds the rest. */
export function debugPageHtml(version: string): string {
  const v = version.replace(/[^\w.+-]/g, "");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>codex-shim · flow inspector</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/debug/assets/inspector.css">
<link rel="icon" href="/debug/assets/favicon.svg" type="image/svg+xml">
<script type="module" src="/debug/assets/inspector.js"></script>
</head>
<body data-version="${v}">
<noscript>The flow inspector needs JavaScript. The raw data: <a href="/debug/requests">/debug/requests</a>, <a href="/debug/machine">/debug/machine</a>.</noscript>
</body></html>`;
}
