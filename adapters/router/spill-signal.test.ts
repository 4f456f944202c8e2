import { describe, expect, it } from "vitest";
import { rememberUpstreamFailure, spillSignalOf } from "./spill-signal.ts";
import { ShimError } from "../errors/shim-error.ts";

const err = (code: string, status: number, headers: Record<string, string> = {}, bodyText = "", retryAfter?: number) => {
  const e = new ShimError({ status, code, message: "x", retryAfter });
  rememberUpstreamFailure(e, { status, headers: new Headers(headers), bodyText });
  return e;
};

describe("spillSignalOf", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("rate limits cool down until Retry-After or the latest rate-limit reset", () => {
    expect(spillSignalOf(err("rate_limit_exceeded", 429, { "retry-after": "20" }), now)).toEqual({ kind: "rate_limited", cooldownMs: 20_000 });
    expect(spillSignalOf(err("rate_limit_exceeded", 429, { "x-ratelimit-reset-requests": "1m30s", "x-ratelimit-reset-tokens": "2s" }), now)!.cooldownMs).toBe(90_000);
    expect(spillSignalOf(err("rate_limit_exceeded", 429, { "anthropic-ratelimit-tokens-reset": "2026-01-01T00:00:45Z" }), now)!.cooldownMs).toBe(45_000);
  });
  it("ChatGPT usage limits (verbatim 429) read resets_in_seconds", () => {
    expect(spillSignalOf(err("upstream_http_429", 429, {}, JSON.stringify({ error: { type: "usage_limit_reached", resets_in_seconds: 3600 } })), now)).toEqual({ kind: "out_of_quota", cooldownMs: 3_600_000 });
  });
  it("quota, overload and context overflow; other errors do not spill", () => {
    expect(spillSignalOf(err("insufficient_quota", 429), now)).toEqual({ kind: "out_of_quota", cooldownMs: 600_000 });
    expect(spillSignalOf(err("upstream_overloaded", 503), now)!.kind).toBe("overloaded");
    expect(spillSignalOf(err("context_length_exceeded", 400), now)).toEqual({ kind: "context_overflow", cooldownMs: 0 });
    expect(spillSignalOf(err("upstream_http_401", 400), now)).toBeNull();
    expect(spillSignalOf(new Error("boom"), now)).toBeNull();
  });
});
