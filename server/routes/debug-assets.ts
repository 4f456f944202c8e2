import { readFileSync } from "node:fs";

/** The inspector's scripts and stylesheet (server/debug/client), served from this fixed list only. */
const ASSETS: Record<string, string> = {
  "inspector.css": "text/css; charset=utf-8",
  "favicon.svg": "image/svg+xml",
  "inspector.js": "text/javascript; charset=utf-8",
  "dom.js": "text/javascript; charset=utf-8",
  "format.js": "text/javascript; charset=utf-8",
  "request-list.js": "text/javascript; charset=utf-8",
  "request-detail.js": "text/javascript; charset=utf-8",
  "machine-graph.js": "text/javascript; charset=utf-8",
  "machine-diagram.js": "text/javascript; charset=utf-8",
  "line-diff.js": "text/javascript; charset=utf-8",
  "translation-view.js": "text/javascript; charset=utf-8",
};

const cache = new Map<string, string>();

export function debugAsset(name: string, headers: Record<string, string>): Response {
  const type = ASSETS[name];
  if (!type) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../debug/client/${name}`, import.meta.url), "utf8");
    cache.set(name, text);
  }
  return new Response(text, { headers: { ...headers, "content-type": type, "cache-control": "no-cache" } });
}
