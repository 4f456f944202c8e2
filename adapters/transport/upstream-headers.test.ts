import { describe, expect, it } from "vitest";
import { upstreamHeaders } from "./upstream-headers.ts";

describe("upstreamHeaders", () => {
  it("adds the bearer key unless extra_headers set an Authorization (any case)", () => {
    expect(upstreamHeaders({ accept: "text/event-stream", extraHeaders: {}, bearer: "sk-1" }).authorization).toBe("Bearer sk-1");
    expect(upstreamHeaders({ accept: "text/event-stream", extraHeaders: { Authorization: "Token x" }, bearer: "sk-1" }).authorization).toBe("Token x");
    expect(upstreamHeaders({ accept: "text/event-stream", extraHeaders: {} })).not.toHaveProperty("authorization");
  });
  it("lets extra_headers override the route's own headers", () => {
    const h = upstreamHeaders({ accept: "application/json", extraHeaders: { "Anthropic-Version": "2024-01-01", "X-Extra": "1" }, base: { "anthropic-version": "2023-06-01", "x-api-key": "k" } });
    expect(h).toEqual({ "content-type": "application/json", accept: "application/json", "anthropic-version": "2024-01-01", "x-api-key": "k", "x-extra": "1" });
  });
});
