import { describe, expect, it } from "vitest";
import { CaptureStore } from "./capture-store.ts";
import { redactHeaders, redactUrl } from "./redact-for-inspector.ts";

const KEY = "sk-test-secret-abcdef123456";

describe("translation capture store", () => {
  it("is off by default and records nothing then", () => {
    const store = new CaptureStore();
    expect(store.enabled).toBe(false);
    expect(store.begin("req_1", new Headers(), { model: "m" })).toBeNull();
    expect(store.count).toBe(0);
  });

  it("keeps only the last N captures", () => {
    const store = new CaptureStore({ maxRequests: 3 });
    store.setEnabled(true);
    for (let i = 0; i < 5; i++) store.begin(`req_${i}`, new Headers(), { i });
    expect(store.count).toBe(3);
    expect(["req_0", "req_1", "req_2", "req_3", "req_4"].filter((id) => store.get(id))).toEqual(["req_2", "req_3", "req_4"]);
    expect(JSON.parse(store.get("req_4")!.codexRequest.body)).toEqual({ i: 4 });
  });

  it("stays under its byte budget, evicting the oldest and truncating one that alone is too big", () => {
    const store = new CaptureStore({ maxBytes: 40_000 });
    store.setEnabled(true);
    for (let i = 0; i < 10; i++) store.begin(`req_${i}`, new Headers(), { text: "x".repeat(5000) });
    expect(store.bytes).toBeLessThanOrEqual(40_000);
    expect(store.count).toBeLessThan(10);
    expect(store.get("req_0")).toBeUndefined(); // the oldest went first
    expect(store.get("req_9")).toBeDefined();
    const rec = store.begin("big", new Headers(), { text: "y".repeat(20_000) })!;
    expect(rec.capture.truncated).toBe(true);
    expect(rec.capture.codexRequest.body).toBe("(too large to capture)");
    expect(store.bytes).toBeLessThanOrEqual(40_000);
  });

  it("redacts keys and credential headers in everything it records", async () => {
    const store = new CaptureStore();
    store.setEnabled(true);
    const rec = store.begin("req_k", new Headers({ authorization: `Bearer ${KEY}`, "x-api-key": KEY, "user-agent": "codex_exec/0.169.0" }), { model: "m", input: `my key is ${KEY}` })!;
    rec.addSecret(KEY);
    const ex = rec.upstreamRequest({ url: `https://api.example.com/v1/chat?key=${KEY}&x=1`, headers: { authorization: `Bearer ${KEY}`, "anthropic-version": "2023-06-01" }, body: JSON.stringify({ model: "up" }), timeouts: { connectMs: 1, headersMs: 1, idleMs: 1 } });
    const res = rec.upstreamResponse(ex, new Response(`data: {"echo":"${KEY}"}\n\n`, { headers: { "set-cookie": "session=abc" } }), () => 1);
    await res.text();
    rec.downstream(new TextEncoder().encode(`data: ${KEY}\n\n`), 2);
    const all = JSON.stringify(store.get("req_k"));
    expect(all).not.toContain(KEY);
    expect(all).toContain("[redacted]");
    expect(all).toContain("codex_exec/0.169.0");
    expect(ex.url).toBe("https://api.example.com/v1/chat?key=[redacted]&x=1");
    expect(ex.responseHeaders?.["set-cookie"]).toBe("[redacted]");
  });

  it("redaction helpers: user info, credential params and header names", () => {
    expect(redactUrl("https://user:pw@host/p?api_key=abc&model=x")).toBe("https://host/p?api_key=[redacted]&model=x");
    expect(redactUrl("not a url sk-abcdefghijklmnop")).toBe("not a url [redacted]");
    expect(redactHeaders({ Authorization: "Bearer x", "ChatGPT-Account-Id": "acc", Accept: "text/event-stream" })).toEqual({ authorization: "[redacted]", "chatgpt-account-id": "[redacted]", accept: "text/event-stream" });
  });
});
