import { parseRetryAfter } from "../errors/map-upstream-http-error.ts";

/** The upstream answer behind a mapped error, kept beside it (never serialized, never logged). */
export interface UpstreamFailure {
  status: number;
  headers: Headers;
  bodyText: string;
}

const failures = new WeakMap<object, UpstreamFailure>();

/** Called where an upstream HTTP error is mapped, so the router can read its reset times. */
export function rememberUpstreamFailure(error: object, failure: UpstreamFailure): void {
  failures.set(error, failure);
}

/** Why a failed attempt may go to another candidate. */
export interface SpillSignal {
  kind: "rate_limited" | "out_of_quota" | "overloaded" | "context_overflow";
  /** How long to skip the model (0 for a context overflow: the model is fine, the request too big). */
  cooldownMs: number;
}

const MAX_COOLDOWN_MS = 24 * 3600_000;
const DEFAULTS = { rate_limited: 30_000, out_of_quota: 10 * 60_000, overloaded: 15_000 };

/** `6m0s`, `1.5s`, `20ms`, `1h2m` (OpenAI's x-ratelimit-reset-*). */
function parseGoDuration(v: string): number | undefined {
  let ms = 0;
  let matched = false;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true;
    const n = Number(m[1]);
    ms += m[2] === "h" ? n * 3600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
  }
  return matched ? ms : undefined;
}

/** The latest reset any rate-limit header announces, in ms from now. */
function resetFromHeaders(h: Headers, now: number): number | undefined {
  const found: number[] = [];
  const retry = parseRetryAfter(h, now);
  if (retry !== undefined) found.push(retry * 1000);
  for (const name of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]) {
    const v = h.get(name);
    const d = v ? parseGoDuration(v) : undefined;
    if (d !== undefined) found.push(d);
  }
  for (const name of ["anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-output-tokens-reset"]) {
    const t = Date.parse(h.get(name) ?? "");
    if (Number.isFinite(t)) found.push(t - now);
  }
  const plain = h.get("x-ratelimit-reset");
  if (plain && /^\d+(\.\d+)?$/.test(plain.trim())) {
    const n = Number(plain);
    found.push(n > 1e9 ? n * 1000 - now : n * 1000);
  }
  return found.length ? Math.max(0, ...found) : undefined;
}

/** ChatGPT's usage-limit body: `error.resets_in_seconds` or `error.resets_at` (unix seconds). */
function resetFromBody(bodyText: string, now: number): number | undefined {
  if (!bodyText || bodyText.length > 65_536 || !bodyText.includes("resets_")) return undefined;
  try {
    const e = (JSON.parse(bodyText) as { error?: { resets_in_seconds?: unknown; resets_at?: unknown } }).error;
    if (typeof e?.resets_in_seconds === "number") return e.resets_in_seconds * 1000;
    if (typeof e?.resets_at === "number") return e.resets_at * 1000 - now;
  } catch {
    // not JSON
  }
  return undefined;
}

/**
 * Whether a failed upstream call (before any byte reached the client) should go to another
 * candidate, and for how long the model is skipped: until its `Retry-After` / rate-limit reset,
 * else a default per kind. null: an error another model would not fix (bad request, auth, …).
 */
export function spillSignalOf(error: unknown, now = Date.now()): SpillSignal | null {
  if (!error || typeof error !== "object") return null;
  const e = error as { code?: unknown; status?: unknown; retryAfter?: unknown };
  const f = failures.get(error);
  const status = f?.status ?? (typeof e.status === "number" ? e.status : 0);
  const code = typeof e.code === "string" ? e.code : "";
  const body = f?.bodyText ?? "";
  let kind: SpillSignal["kind"] | null = null;
  if (code === "context_length_exceeded") return { kind: "context_overflow", cooldownMs: 0 };
  if (code === "insufficient_quota" || /usage_limit_reached|insufficient_quota|usage_not_included/.test(body)) kind = "out_of_quota";
  else if (code === "rate_limit_exceeded" || code === "rate_limit_error" || status === 429) kind = "rate_limited";
  else if (code === "upstream_overloaded" || status === 529 || /overloaded|at capacity/i.test(body)) kind = "overloaded";
  if (!kind) return null;
  const announced = (f ? (resetFromBody(body, now) ?? resetFromHeaders(f.headers, now)) : undefined) ?? (typeof e.retryAfter === "number" ? e.retryAfter * 1000 : undefined);
  return { kind, cooldownMs: Math.min(MAX_COOLDOWN_MS, Math.max(1000, announced ?? DEFAULTS[kind])) };
}
