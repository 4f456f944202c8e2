/**
 * An error reported inside an upstream stream → a `response.failed` code Codex acts on
 * (codex-protocol §7): rate limits and server errors are retried, context overflow and quota
 * are fatal with dedicated messages, invalid requests are fatal and shown verbatim.
 */
export function classifyUpstreamStreamError(err: unknown): { code: string; message: string } {
  const e = typeof err === "string" ? { message: err } : ((err ?? {}) as { message?: unknown; code?: unknown; type?: unknown });
  const message = typeof e.message === "string" && e.message ? e.message : "The upstream reported an error.";
  const hay = `${String(e.code ?? "")} ${String(e.type ?? "")} ${message}`.toLowerCase();
  if (/context[_ ]length|too long|context window|maximum context/.test(hay)) return { code: "context_length_exceeded", message };
  if (/insufficient_quota|quota|billing/.test(hay)) return { code: "insufficient_quota", message };
  if (/rate[_ ]limit|429|too many requests/.test(hay)) return { code: "rate_limit_exceeded", message: /try again in/i.test(message) ? message : `${message} Please try again in 2s.` };
  if (/invalid_request|invalid request|400|bad request|not supported|unsupported/.test(hay)) return { code: "invalid_prompt", message };
  // overloaded / 5xx / anything unknown: a retryable server error (not `server_is_overloaded`,
  // which Codex treats as fatal "model at capacity").
  return { code: "server_error", message };
}
