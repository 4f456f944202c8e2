import type { TraceClient, TraceCodexIds } from "./request-trace.ts";

const MAX = 160;
const cut = (s: string | null | undefined): string | undefined => (s ? (s.length > MAX ? s.slice(0, MAX) + "…" : s) : undefined);

/**
 * The client from its user agent: `codex_exec/0.169.0 (Debian …)` → codex_exec 0.169.0,
 * `OpenAI/JS 4.2.0` → OpenAI/JS 4.2.0, `claude-cli/1.0 (external, cli)` → claude-cli 1.0.
 */
export function describeClient(headers: Headers): TraceClient {
  const ua = headers.get("user-agent") ?? "";
  const out: TraceClient = { userAgent: cut(ua), originator: cut(headers.get("originator")) };
  const sdk = /^([A-Za-z][\w.-]*\/[A-Za-z]+)\s+v?(\d[\w.+-]*)/.exec(ua); // "OpenAI/JS 4.2.0", "Anthropic/JS 0.50.0"
  const product = /^([A-Za-z][\w.-]*)\/v?(\d[\w.+-]*)/.exec(ua);
  const m = sdk ?? product;
  if (m) {
    out.name = m[1];
    out.version = m[2];
  } else if (ua) {
    out.name = cut(ua.split(/[\s(]/)[0]);
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? cut(v) : undefined;
}

/**
 * Codex's thread and turn ids: the `x-codex-turn-metadata` header (JSON), the `thread-id` /
 * `session-id` headers, or the body's `client_metadata` (the WebSocket mode has no headers per turn).
 */
export function codexIdsOf(headers: Headers, body: Record<string, unknown> | undefined): TraceCodexIds {
  let meta: Record<string, unknown> = {};
  const clientMeta = body && typeof body.client_metadata === "object" && body.client_metadata ? (body.client_metadata as Record<string, unknown>) : {};
  const raw = headers.get("x-codex-turn-metadata") ?? (typeof clientMeta["x-codex-turn-metadata"] === "string" ? (clientMeta["x-codex-turn-metadata"] as string) : null);
  if (raw && raw.length < 16_384) {
    try {
      const parsed = JSON.parse(raw);
      if (parsed && typeof parsed === "object") meta = parsed as Record<string, unknown>;
    } catch {
      // not JSON: ignore, the other sources still count
    }
  }
  // only the ids present (no `delete` afterwards: that turns the object into a slow dictionary)
  const ids: TraceCodexIds = {};
  const threadId = str(meta.thread_id) ?? cut(headers.get("thread-id")) ?? cut(headers.get("session-id")) ?? str(clientMeta.thread_id);
  if (threadId !== undefined) ids.threadId = threadId;
  const turnId = str(meta.turn_id) ?? str(clientMeta.turn_id);
  if (turnId !== undefined) ids.turnId = turnId;
  const requestKind = str(meta.request_kind);
  if (requestKind !== undefined) ids.requestKind = requestKind;
  const windowId = str(meta.window_id) ?? cut(headers.get("x-codex-window-id")) ?? str(clientMeta["x-codex-window-id"]);
  if (windowId !== undefined) ids.windowId = windowId;
  return ids;
}

/** Which endpoint a path is, for requests refused before any handler. */
export function endpointOfPath(path: string): "responses" | "messages" | "compact" | "other" {
  const p = path.split("?")[0].replace(/\/+$/, "");
  if (p === "/v1/responses" || p === "/responses") return "responses";
  if (p === "/v1/responses/compact" || p === "/responses/compact") return "compact";
  if (p === "/v1/messages") return "messages";
  return "other";
}
