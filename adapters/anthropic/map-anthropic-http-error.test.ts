import { describe, expect, it } from "vitest";
import { mapAnthropicHttpError } from "./map-anthropic-http-error.ts";
import { readSharedFixture } from "../../test/helpers/shared-fixtures.ts";

const failure = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  statusText: "",
  headers: new Headers(headers),
  bodyText: typeof body === "string" ? body : JSON.stringify(body),
  url: "https://api.anthropic.com/v1/messages",
  modelSlug: "claude",
  secrets: ["sk-ant-secret-key-123456"],
});
const err = (type: string, message: string) => ({ type: "error", error: { type, message } });

describe("mapAnthropicHttpError", () => {
  it("429 → 429 with the upstream Retry-After", () => {
    const e = mapAnthropicHttpError(failure(429, err("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"), { "retry-after": "17" }));
    expect(e).toMatchObject({ status: 429, code: "rate_limit_exceeded", retryAfter: 17 });
  });

  it("prompt is too long → context_length_exceeded", () => {
    const e = mapAnthropicHttpError(failure(400, err("invalid_request_error", "prompt is too long: 215024 tokens > 200000 maximum")));
    expect(e).toMatchObject({ status: 400, code: "context_length_exceeded" });
  });

  it("529 overloaded → retryable 503 (not server_is_overloaded)", () => {
    const e = mapAnthropicHttpError(failure(529, err("overloaded_error", "Overloaded")));
    expect(e.status).toBe(503);
    expect(e.code).not.toBe("server_is_overloaded");
  });

  it("401/403 name the model and URL, never the key", () => {
    const e = mapAnthropicHttpError(failure(401, err("authentication_error", "invalid x-api-key sk-ant-secret-key-123456")));
    expect(e.status).toBe(400);
    expect(e.message).toContain("model claude at https://api.anthropic.com/v1/messages");
    expect(e.message).toContain("Check the API key");
    expect(e.message).not.toContain("sk-ant-secret-key-123456");
    expect(mapAnthropicHttpError(failure(403, err("permission_error", "no access"))).message).toContain("model claude");
  });

  it("an empty credit balance (HTTP 400) → insufficient_quota", () => {
    const e = mapAnthropicHttpError(failure(400, err("invalid_request_error", "Your credit balance is too low to access the Anthropic API.")));
    expect(e).toMatchObject({ status: 429, code: "insufficient_quota" });
  });

  it("a recorded invalid_request body → fatal 400 with the upstream message", () => {
    const body = readSharedFixture("upstream-recorded/anthropic/anthropic-issue-17366-error.json");
    const e = mapAnthropicHttpError(failure(400, body));
    expect(e.status).toBe(400);
    expect(e.message).toContain(JSON.parse(body).error.message.slice(0, 30));
  });
});
