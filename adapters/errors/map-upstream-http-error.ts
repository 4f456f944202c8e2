import { ShimError } from "./shim-error.ts";
import { redactSecrets } from "./redact-secrets.ts";

export interface UpstreamHttpFailure {
  status: number;
  statusText: string;
  headers: Headers;
  bodyText: string;
  url: string;
  modelSlug: string;
  /** Secrets to scrub from anything we echo (the model's key). */
  secrets: readonly string[];
}

const CONTEXT_PATTERNS = /context[_ ]length[_ ]exceeded|maximum context length|context window|prompt is too long|too many tokens|input is too long|reduce the length|exceeds? the (?:model'?s? )?(?:context|maximum)|string too long|request too large for model/i;
const QUOTA_PATTERNS = /insufficient_quota|exceeded your current quota|billing|credit balance is too low|payment required/i;
const OVERLOAD_PATTERNS = /overloaded|server_is_overloaded|at capacity/i;

/** Seconds from `Retry-After` (seconds or HTTP date) or `retry-after-ms`. */
export function parseRetryAfter(h: Headers, now = Date.now()): number | undefined {
  const ms = h.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms) / 1000);
  const v = h.get("retry-after");
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, (t - now) / 1000) : undefined;
}

export function upstreamErrorMessage(bodyText: string): string {
  try {
    const j = JSON.parse(bodyText) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof j.error === "string") return j.error;
    if (j.error && typeof j.error.message === "string") return j.error.message;
    if (typeof j.message === "string") return j.message;
  } catch {
    // not JSON
  }
  const t = bodyText.trim();
  if (/^<(!doctype|html)/i.test(t)) return "(HTML error page)";
  return t.slice(0, 500);
}

export const DEFAULT_RATE_LIMIT_RETRY_SECONDS = 5;

/**
 * Upstream HTTP error → what Codex handles best (codex-protocol §7): rate limits become 429
 * with Retry-After (Codex retries those), context overflow becomes `context_length_exceeded`,
 * quota becomes `insufficient_quota`, other 4xx become a fatal 400 naming model and URL, and
 * 5xx stay retryable 5xx.
 */
export function mapUpstreamHttpError(f: UpstreamHttpFailure): ShimError {
  const raw = upstreamErrorMessage(f.bodyText);
  const detail = redactSecrets(raw, f.secrets);
  const where = `model ${f.modelSlug} at ${f.url}`;
  const retryAfter = parseRetryAfter(f.headers);
  if (f.status === 429) {
    if (QUOTA_PATTERNS.test(f.bodyText))
      return new ShimError({ status: 429, code: "insufficient_quota", type: "insufficient_quota", message: `Upstream quota exhausted for ${where}: ${detail}` });
    return new ShimError({
      status: 429,
      code: "rate_limit_exceeded",
      type: "rate_limit_exceeded",
      message: `Upstream rate limit for ${where}: ${detail}`,
      retryAfter: retryAfter ?? DEFAULT_RATE_LIMIT_RETRY_SECONDS,
    });
  }
  if ((f.status === 400 || f.status === 413 || f.status === 422) && CONTEXT_PATTERNS.test(f.bodyText))
    return new ShimError({ status: 400, code: "context_length_exceeded", message: `The prompt is too long for ${where}: ${detail}` });
  if (f.status === 402 || (f.status < 500 && QUOTA_PATTERNS.test(f.bodyText) && f.status !== 400))
    return new ShimError({ status: 429, code: "insufficient_quota", type: "insufficient_quota", message: `Upstream quota exhausted for ${where}: ${detail}` });
  if (f.status >= 500 || f.status === 408) {
    const overloaded = f.status === 529 || f.status === 503 || OVERLOAD_PATTERNS.test(f.bodyText);
    return new ShimError({
      status: f.status === 529 ? 503 : f.status >= 500 ? f.status : 504,
      code: overloaded ? "upstream_overloaded" : "upstream_error",
      message: `Upstream ${where} failed with HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ""}: ${detail}`,
      retryAfter,
    });
  }
  const hint = f.status === 401 || f.status === 403 ? " Check the API key configured for this model." : f.status === 404 ? " Check the model name and base_url." : "";
  return new ShimError({
    status: 400,
    code: `upstream_http_${f.status}`,
    message: `Upstream rejected the request for ${where} with HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ""}: ${detail}.${hint}`,
  });
}

/** A transport failure (refused, DNS, TLS, timeout) → retryable 5xx naming the upstream. */
export function mapUpstreamNetworkError(err: unknown, url: string, modelSlug: string): ShimError {
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code ?? "";
  let origin = url;
  try {
    origin = new URL(url).origin;
  } catch {}
  if (code === "UND_ERR_HEADERS_TIMEOUT")
    return new ShimError({ status: 504, code: "upstream_timeout", message: `Upstream ${origin} sent no response headers in time for model ${modelSlug} (headers timeout).` });
  if (code === "UND_ERR_CONNECT_TIMEOUT")
    return new ShimError({ status: 504, code: "upstream_timeout", message: `Could not connect to upstream ${origin} for model ${modelSlug} in time (connect timeout).` });
  const what =
    code === "ECONNREFUSED"
      ? "connection refused"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "DNS lookup failed"
        : /CERT|SSL|TLS/i.test(code + (e.cause?.message ?? ""))
          ? "TLS handshake failed"
          : code === "ECONNRESET" || code === "UND_ERR_SOCKET"
            ? "connection reset"
            : (e.cause?.message ?? e.message ?? "network error");
  return new ShimError({ status: 502, code: "upstream_unreachable", message: `Cannot reach upstream ${origin} for model ${modelSlug}: ${what}${code && !what.includes(code) ? ` (${code})` : ""}.` });
}
