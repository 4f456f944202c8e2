import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { checkCodexStream } from "../helpers/check-codex-stream.ts";

/**
 * Pitfall 8: "stream closed before response.completed". Exactly one terminal event whatever the
 * upstream does; upstream errors mid-stream become `response.failed` with a code Codex acts on;
 * keep-alive events (real `data:` events, which reset Codex's idle timer) during long silences.
 */
const req = { input: [H.userMsg("hi")] } as any;

describe("pitfall 8: exactly one terminal event (through the pump)", () => {
  const cases: [string, "chat" | "anthropic", string, string, string?][] = [
    ["chat: normal end", "chat", H.chatSseBody([H.chatDelta({ content: "hi" }), H.chatDelta({}, "stop")]), "response.completed"],
    ["chat: finish_reason but no [DONE]", "chat", H.chatSseBody([H.chatDelta({ content: "hi" }, "stop")], { done: false }), "response.completed"],
    ["chat: cut off (no finish_reason, no [DONE])", "chat", H.chatSseBody([H.chatDelta({ content: "hi" })], { done: false }), "response.failed", "server_error"],
    ["chat: length", "chat", H.chatSseBody([H.chatDelta({ content: "hi" }, "length")]), "response.incomplete"],
    ["chat: error chunk mid-stream", "chat", H.chatSseBody([H.chatDelta({ content: "par" }), { error: { message: "upstream overloaded", type: "server_error" } }], { done: false }), "response.failed", "server_error"],
    ["chat: rate-limit error chunk", "chat", H.chatSseBody([{ error: { message: "Rate limit reached, try again in 2s", code: "rate_limit_exceeded" } }], { done: false }), "response.failed", "rate_limit_exceeded"],
    ["chat: garbage then cut", "chat", "data: {not json\n\n" + H.chatSseBody([H.chatDelta({ content: "x" })], { done: false }), "response.failed", "server_error"],
    ["chat: HTML page with HTTP 200", "chat", "<html><body>502 Bad Gateway</body></html>", "response.failed", "server_error"],
    ["chat: empty body", "chat", "", "response.failed", "server_error"],
    ["anthropic: normal end", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicTextBlock(0, "hi"), ...H.anthropicEnd("end_turn")]), "response.completed"],
    ["anthropic: no message_stop", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicTextBlock(0, "hi")]), "response.failed", "server_error"],
    ["anthropic: overloaded error event (retryable)", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]), "response.failed", "server_error"],
    ["anthropic: invalid request error event (fatal)", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), { type: "error", error: { type: "invalid_request_error", message: "bad" } }]), "response.failed", "invalid_prompt"],
    ["anthropic: max_tokens", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicTextBlock(0, "hi"), ...H.anthropicEnd("max_tokens")]), "response.incomplete"],
    ["anthropic: events after message_stop are ignored", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicTextBlock(0, "hi"), ...H.anthropicEnd("end_turn"), { type: "error", error: { type: "api_error", message: "late" } }]), "response.completed"],
  ];
  it.each(cases)("%s", async (_n, kind, body, terminal, code) => {
    const t = await H.translate(kind, req, body);
    expect(t.errors).toEqual([]); // includes "exactly one terminal event, and it is last"
    expect(t.terminal.type).toBe(terminal);
    if (code) expect(t.terminal.response.error.code).toBe(code);
    expect(t.sse).not.toContain("[DONE]"); // §12.2: no [DONE] after response.completed
  });
});

describe("pitfall 8: through the real server", () => {
  let up: ScriptedUpstream;
  let shim: TestShim;
  beforeAll(async () => {
    up = await startScriptedUpstream();
    shim = await startTestShim(
      [
        { model: "up-chat", slug: "c", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-test-0123456789abcdef" },
        { model: "claude-sonnet-4-5", slug: "a", provider: "anthropic", base_url: `${up.url}/v1`, api_key: "sk-ant-test-0123456789" },
      ],
      { keepAliveMs: 150 },
    );
  });
  afterAll(async () => {
    await shim.close();
    await up.close();
  });

  it.each(["c", "a"])("model %s: the upstream socket dies mid-answer → response.failed, never a silent EOF", async (slug) => {
    up.setScript([
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(slug === "c" ? H.chatSseBody([H.chatDelta({ content: "partial" })], { done: false }) : H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicTextBlock(0, "partial").slice(0, 2)]));
        setTimeout(() => res.socket?.destroy(), 50);
      },
    ]);
    const r = checkCodexStream(await (await postResponses(shim, { model: slug, stream: true, ...req })).text());
    expect(r.errors).toEqual([]);
    expect(r.terminal.type).toBe("response.failed");
    expect(r.terminal.response.error.code).toBe("server_error");
  });

  it("a long silence (thinking) is bridged by keep-alive data events, then the answer completes", async () => {
    up.setScript([
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(H.chatSseBody([H.chatDelta({ role: "assistant", content: "" })], { done: false }));
        setTimeout(() => res.end(H.chatSseBody([H.chatDelta({ content: "done" }, "stop")])), 700);
      },
    ]);
    const r = checkCodexStream(await (await postResponses(shim, { model: "c", stream: true, ...req })).text());
    expect(r.errors).toEqual([]);
    expect(r.terminal.type).toBe("response.completed");
    expect(r.text).toBe("done");
    expect(r.events.filter((e) => e.type === "response.in_progress").length).toBeGreaterThanOrEqual(3);
  });
});
