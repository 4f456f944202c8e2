import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";
import { startScriptedUpstream, chatTextStep, httpErrorStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { anthropicStep } from "../helpers/anthropic-sse.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { checkCodexStream } from "../helpers/check-codex-stream.ts";

/**
 * codex-protocol.md §4–§7 item by item against what the chat and Anthropic routes accept and
 * emit, plus the translation items of reference-behavior.md §12.2.
 */
describe("§4 input items both routes accept", () => {
  const odd = [
    H.devMsg("system prompt"),
    { role: "user", content: "no type field, string content" },
    H.userMsg("question"),
    { type: "reasoning", id: "rs_raw", summary: [], content: [{ type: "reasoning_text", text: "raw chain of thought" }], encrypted_content: null },
    H.assistantMsg("I will look around first.", { phase: "commentary", id: "msg_c" }),
    H.fnCall("call_mcp1", "add", { a: 2, b: 3 }, { namespace: "mcp__calc" }),
    H.fnOut("call_mcp1", [
      { type: "input_text", text: "Wall time: 0.0030 seconds\nOutput:" },
      { type: "input_text", text: "5" },
    ]),
    { type: "item_reference", id: "msg_old" },
    { type: "configuration_update", foo: 1 },
    H.assistantMsg("The answer is 5.", { phase: "final_answer" }),
    H.userMsg("thanks"),
  ];
  it.each(["chat", "anthropic"] as const)("%s: phase, namespaced calls, array outputs, raw reasoning, item_reference and unknown items never fail", (kind) => {
    const p = H.prepare(kind, { input: odd as any, tools: codexRequestBody("mcp-turn1").tools });
    const s = JSON.stringify(p.sent.messages);
    // array output: both text parts reach the model as the call's result
    if (kind === "chat") expect(s).toContain("Wall time: 0.0030 seconds\\nOutput:\\n5");
    else expect(s).toContain('"content":[{"type":"text","text":"Wall time: 0.0030 seconds\\nOutput:"},{"type":"text","text":"5"}]');
    expect(s).toContain("mcp__calc__add");
    expect(s).toContain("I will look around first.");
    expect(s).not.toContain("raw chain of thought"); // plain reasoning is Codex's, not replayed as text
    expect(p.notes).toEqual(expect.arrayContaining(["dropped input item item_reference", "dropped input item configuration_update"]));
  });

  it("the developer prompt becomes system (chat) / system blocks (Anthropic); there is no `instructions` field", () => {
    const body = codexRequestBody("text-turn1");
    expect(body).not.toHaveProperty("instructions");
    expect(H.prepare("chat", body).sent.messages[0].role).toBe("system");
    const a = H.prepare("anthropic", body).sent;
    expect(a.system[0].type).toBe("text");
    expect(a.messages[0].role).toBe("user");
  });
});

describe("§6 emitted stream: ids, items, usage", () => {
  it("ids are unique across concurrent responses and are not time-based (§12.2)", async () => {
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => H.translate("chat", { input: [H.userMsg("x")], tools: [H.EXEC_TOOL] } as any, H.chatSseBody([H.chatDelta({ reasoning_content: "r" }), H.chatDelta({ content: "t" }), H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "exec_command", arguments: "{}" } }], "tool_calls")]))),
    );
    const ids = runs.flatMap((r) => [r.terminal.response.id, ...r.items.map((i) => i.id)]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).not.toMatch(/_\d{13}$/);
    for (const r of runs) expect(r.terminal.response.id).toMatch(/^resp_/);
  });

  it("events carry increasing sequence numbers, in_progress and reasoning_summary_part events (§12.2)", async () => {
    const t = await H.translate("chat", { input: [H.userMsg("x")] } as any, H.chatSseBody([H.chatDelta({ reasoning_content: "r" }), H.chatDelta({ content: "t" }, "stop")]));
    expect(t.errors).toEqual([]);
    const types = t.events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
    expect(types).toEqual(expect.arrayContaining(["response.reasoning_summary_part.added", "response.reasoning_summary_part.done"]));
  });

  it("<think> is split the same way streaming and non-streaming (§12.2)", async () => {
    const content = "<think>ponder</think>\n\nAnswer.";
    const s = await H.translate("chat", { input: [H.userMsg("x")] } as any, H.chatSseBody([H.chatDelta({ content }, "stop")]));
    const j = await H.translate("chat", { input: [H.userMsg("x")] } as any, JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }), { contentType: "application/json" });
    expect([s.reasoning, s.text]).toEqual(["ponder", "Answer."]);
    expect([j.reasoning, j.text]).toEqual([s.reasoning, s.text]);
  });
});

describe("§7 response.failed codes Codex acts on", () => {
  const cases: [string, "chat" | "anthropic", unknown, string][] = [
    ["chat context overflow", "chat", { error: { message: "This model's maximum context length is 8192 tokens", code: "context_length_exceeded" } }, "context_length_exceeded"],
    ["chat rate limit", "chat", { error: { message: "Rate limit reached", code: "rate_limit_exceeded" } }, "rate_limit_exceeded"],
    ["anthropic overloaded (must stay retryable, not server_is_overloaded)", "anthropic", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "server_error"],
    ["anthropic rate limit", "anthropic", { type: "error", error: { type: "rate_limit_error", message: "slow" } }, "rate_limit_exceeded"],
    ["anthropic prompt too long", "anthropic", { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 201000 tokens > 200000 maximum" } }, "context_length_exceeded"],
    ["anthropic billing", "anthropic", { type: "error", error: { type: "billing_error", message: "credit balance is too low" } }, "insufficient_quota"],
  ];
  it.each(cases)("%s → %s", async (_n, kind, ev, code) => {
    const body = kind === "chat" ? `data: ${JSON.stringify(ev)}\n\n` : H.anthropicSseBody([H.anthropicMessageStart(), ev]);
    const t = await H.translate(kind, { input: [H.userMsg("x")] } as any, body);
    expect(t.errors).toEqual([]);
    expect(t.terminal.response.error.code).toBe(code);
    if (code === "rate_limit_exceeded") expect(t.terminal.response.error.message).toMatch(/try again in \d/i);
  });
});

describe("§2/§6/§7 headers and HTTP errors through the real server", () => {
  let up: ScriptedUpstream;
  let shim: TestShim;
  beforeAll(async () => {
    up = await startScriptedUpstream();
    shim = await startTestShim([
      { model: "up-chat", slug: "c", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-test-0123456789abcdef" },
      { model: "claude-sonnet-4-5", slug: "a", provider: "anthropic", base_url: `${up.url}/v1`, api_key: "sk-ant-test-0123456789" },
    ]);
  });
  afterAll(async () => {
    await shim.close();
    await up.close();
  });

  const codexHeaders = {
    authorization: "Bearer codex-side-token-should-not-travel",
    "session-id": "019a-thread",
    "x-codex-turn-metadata": '{"turn_id":"t1"}',
    "x-codex-turn-state": "sticky-state",
    "x-codex-window-id": "019a-thread:0",
    originator: "codex_exec",
  };

  it.each([
    ["c", chatTextStep("hello")],
    ["a", anthropicStep({ text: "hello" })],
  ] as const)("model %s: no openai-model / x-codex-turn-state response headers; Codex's own headers are not forwarded upstream; the slug is echoed", async (slug, step) => {
    up.setScript([step]);
    up.requests.length = 0;
    const res = await postResponses(shim, { ...codexRequestBody("text-turn1"), model: slug }, codexHeaders);
    expect(res.status).toBe(200);
    expect(res.headers.get("openai-model")).toBeNull();
    expect(res.headers.get("x-codex-turn-state")).toBeNull();
    const r = checkCodexStream(await res.text());
    expect(r.errors).toEqual([]);
    expect(r.terminal.response.model).toBe(slug);
    const sentHeaders = JSON.stringify(up.requests[0].headers);
    for (const h of ["codex-side-token", "session-id", "x-codex", "019a-thread", "originator", "openai-beta"]) expect(sentHeaders).not.toContain(h);
  });

  it.each(["c", "a"])("model %s: upstream HTTP 429 → 429 with Retry-After (Codex treats a bare 429 as fatal)", async (slug) => {
    up.setScript([httpErrorStep(429, slug === "a" ? { type: "error", error: { type: "rate_limit_error", message: "slow down" } } : { error: { message: "slow down" } }, { "retry-after": "3" })]);
    const res = await postResponses(shim, { model: slug, stream: true, input: [H.userMsg("x")] });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
  });

  it("upstream context overflow before the stream → HTTP 400 with code context_length_exceeded", async () => {
    up.setScript([httpErrorStep(400, { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 300000 tokens > 200000 maximum" } })]);
    const res = await postResponses(shim, { model: "a", stream: true, input: [H.userMsg("x")] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("context_length_exceeded");
  });
});
