// Formatting for the inspector: durations, timestamps, counts.

export function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const pad = (n, w = 2) => String(n).padStart(w, "0");

/** Local date and time to the millisecond: 2026-12-03 05:41:02.123 */
export function fmtTimestamp(epochMs) {
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${fmtClock(epochMs)}`;
}

export function fmtClock(epochMs) {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function fmtCount(n) {
  return n === undefined || n === null ? "–" : Number(n).toLocaleString("en-US");
}

export function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Total time of a trace, or the time so far for one in flight. */
export function durationOf(t, now = Date.now()) {
  if (t.timings.done !== undefined) return t.timings.done;
  if (t.outcome === "in_flight") return now - t.startedAt;
  return undefined;
}

export const OUTCOME_LABEL = {
  in_flight: "in flight",
  completed: "completed",
  incomplete: "incomplete",
  failed: "failed",
  aborted: "aborted",
  rejected: "rejected",
};

export const ENDPOINT_LABEL = {
  responses: "/v1/responses",
  messages: "/v1/messages",
  compact: "compact",
  websocket: "WebSocket",
  other: "other",
};

/** The short status shown in a row's badge: the HTTP status, else the outcome. */
export function badgeText(t) {
  if (t.outcome === "in_flight") return "…";
  if (t.outcome === "aborted") return "499";
  if (t.error?.where === "in_stream") return "200 ✕";
  return t.httpStatus !== undefined ? String(t.httpStatus) : OUTCOME_LABEL[t.outcome];
}

export function isProblem(t) {
  return t.outcome === "failed" || t.outcome === "rejected" || t.outcome === "incomplete";
}
