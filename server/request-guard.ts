/** Host part of a Host header (reference-behavior §5.1 cases), lowercased. */
export function parseHostHeader(value: string | null | undefined): string {
  const v = (value ?? "").trim();
  if (!v) return "";
  let host: string;
  if (v.startsWith("[")) {
    const end = v.indexOf("]");
    host = end === -1 ? v.slice(1) : v.slice(1, end);
  } else if (v.split(":").length === 2) {
    host = v.slice(0, v.indexOf(":"));
  } else {
    host = v;
  }
  return host.toLowerCase();
}

export function allowedHosts(bindHost: string, env: NodeJS.ProcessEnv = process.env): Set<string> {
  const set = new Set(["127.0.0.1", "localhost", "::1"]);
  const b = bindHost.trim().toLowerCase().replace(/^\[|\]$/g, "");
  if (b && b !== "0.0.0.0" && b !== "::") set.add(b);
  for (const h of (env.CODEX_SHIM_ALLOWED_HOSTS ?? "").split(",")) {
    const t = h.trim().toLowerCase();
    if (t) set.add(t);
  }
  return set;
}

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export type GuardVerdict = { ok: true } | { ok: false; status: number; message: string };

/**
 * DNS-rebinding and cross-site-request protection for a loopback server:
 * the Host must be loopback, the bind host or explicitly allowed; a state-changing request must
 * not come from a web page on another origin and must be JSON (a page can send a `no-cors`
 * `text/plain` POST without a preflight, which the original accepted).
 */
export function checkRequest(req: Request, hosts: Set<string>): GuardVerdict {
  const host = parseHostHeader(req.headers.get("host"));
  if (!hosts.has(host)) return { ok: false, status: 403, message: "Forbidden: Host header not allowed" };
  // A browser lets any page open a WebSocket to loopback (no CORS preflight), so an upgrade is
  // checked like a state-changing request, minus the JSON body rule.
  const upgrade = isWebSocketUpgrade(req);
  if (!STATE_CHANGING.has(req.method) && !upgrade) return { ok: true };
  const cross = crossSiteVerdict(req, hosts);
  if (cross) return cross;
  if (upgrade) return { ok: true };
  // DELETE carries no body, and a page cannot send one cross-site without a CORS preflight (which the shim never allows).
  if (req.method === "DELETE") return { ok: true };
  const ct = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (ct !== "application/json") {
    return { ok: false, status: 415, message: `Unsupported Media Type: expected Content-Type: application/json, got ${ct ? JSON.stringify(ct) : "none"}` };
  }
  return { ok: true };
}

export function isWebSocketUpgrade(req: Request): boolean {
  return req.method === "GET" && (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}

function crossSiteVerdict(req: Request, hosts: Set<string>): GuardVerdict | null {
  const origin = req.headers.get("origin");
  if (origin && origin !== "null") {
    let originHost = "";
    try {
      originHost = new URL(origin).hostname.replace(/^\[|\]$/g, "").toLowerCase();
    } catch {
      return { ok: false, status: 403, message: "Forbidden: malformed Origin header" };
    }
    if (!hosts.has(originHost)) return { ok: false, status: 403, message: `Forbidden: cross-site request from ${origin}` };
  } else if (origin === "null") {
    return { ok: false, status: 403, message: "Forbidden: cross-site request from an opaque origin" };
  }
  if (req.headers.get("sec-fetch-site") === "cross-site") return { ok: false, status: 403, message: "Forbidden: cross-site request" };
  return null;
}
