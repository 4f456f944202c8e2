import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { codexRequestBody, listSharedFixtures } from "../helpers/shared-fixtures.ts";

/**
 * Pitfall 14: provider-hostile and unknown request fields (prompt_cache_key, prompt_cache_retention,
 * include, input[].status, client_metadata, service_tier, …) cause 400s. Each route sends only an
 * allow-list of fields its API defines, for every real Codex request in the fixtures.
 */
const CHAT_KEYS = new Set(["model", "messages", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls", "reasoning_effort", "max_tokens", "max_completion_tokens", "temperature", "top_p", "response_format", "verbosity"]);
const ANTHROPIC_KEYS = new Set(["model", "max_tokens", "messages", "stream", "system", "tools", "tool_choice", "thinking", "temperature", "top_p"]);
const CHAT_MESSAGE_KEYS = new Set(["role", "content", "tool_calls", "tool_call_id", "reasoning_content"]);
const HOSTILE = ["prompt_cache_key", "prompt_cache_retention", "client_metadata", "include", "store", "service_tier", "metadata", "instructions", "previous_response_id", "internal_chat_message_metadata_passthrough"];

const requests = listSharedFixtures("codex-0.169")
  .filter((f) => f.endsWith(".request.json"))
  .map((f) => f.replace(/\.request\.json$/, ""))
  .filter((n) => Array.isArray(codexRequestBody(n)?.input));

describe("pitfall 14: only fields the upstream API defines", () => {
  it.each(requests)("%s → chat and Anthropic bodies use allow-listed keys only", (name) => {
    const body = { ...codexRequestBody(name), prompt_cache_retention: "24h", service_tier: "priority", metadata: { a: "b" } };
    const chat = H.prepare("chat", body).sent;
    for (const k of Object.keys(chat)) expect(CHAT_KEYS, `chat key ${k}`).toContain(k);
    for (const m of chat.messages) for (const k of Object.keys(m)) expect(CHAT_MESSAGE_KEYS, `chat message key ${k}`).toContain(k);
    for (const t of chat.tools ?? []) {
      expect(Object.keys(t)).toEqual(["type", "function"]);
      expect(t.type).toBe("function");
    }
    const anth = H.prepare("anthropic", body).sent;
    for (const k of Object.keys(anth)) expect(ANTHROPIC_KEYS, `anthropic key ${k}`).toContain(k);
    for (const m of anth.messages) expect(Object.keys(m).sort()).toEqual(["content", "role"]);
    const text = JSON.stringify([chat, anth]);
    for (const h of HOSTILE) expect(text).not.toContain(`"${h}"`);
    // output-only fields of replayed items (status, ids, phase) never travel upstream
    expect(text).not.toMatch(/"status":"completed"|"phase":|"id":"(msg|fc|fco|ctc|ctco|rs)_/);
  });

  it("reasoning.effort maps to the chat field only when the model does reasoning; `none` and reasoning:false send nothing", () => {
    const r = (effort: string, over = {}) => H.prepare("chat", { input: [H.userMsg("x")] as any, reasoning: { effort } as any }, H.auditModel("chat", over)).sent.reasoning_effort;
    expect(r("medium")).toBe("medium");
    expect(r("xhigh")).toBe("high");
    expect(r("minimal")).toBe("low");
    expect(r("none")).toBeUndefined();
    expect(r("high", { reasoning: false })).toBeUndefined();
  });

  it("OpenAI hosts get max_completion_tokens (reasoning models 400 on max_tokens); other hosts keep max_tokens (regression)", () => {
    const openai = H.prepare("chat", { input: [H.userMsg("x")] as any }, H.auditModel("chat", { model: "gpt-5.4", provider: "openai", baseUrl: "https://api.openai.com/v1", maxOutputTokens: 4096 })).sent;
    expect(openai.max_completion_tokens).toBe(4096);
    expect(openai).not.toHaveProperty("max_tokens");
    const azure = H.prepare("chat", { input: [H.userMsg("x")] as any }, H.auditModel("chat", { baseUrl: "https://me.openai.azure.com/openai/v1", maxOutputTokens: 100 })).sent;
    expect(azure.max_completion_tokens).toBe(100);
    const other = H.prepare("chat", { input: [H.userMsg("x")] as any }, H.auditModel("chat", { baseUrl: "https://api.deepseek.com/v1", maxOutputTokens: 100 })).sent;
    expect(other.max_tokens).toBe(100);
    expect(other).not.toHaveProperty("max_completion_tokens");
  });

  it("verbosity is only sent to OpenAI GPT-5 models", () => {
    const v = (over: any) => H.prepare("chat", { input: [H.userMsg("x")] as any, text: { verbosity: "low" } }, H.auditModel("chat", over)).sent.verbosity;
    expect(v({ model: "gpt-5.4", baseUrl: "https://api.openai.com/v1" })).toBe("low");
    expect(v({})).toBeUndefined();
  });

  it("NUL and other C0 control characters in text are stripped (strict providers reject them)", () => {
    const { sent } = H.prepare("chat", { input: [H.userMsg("a\u0000b\u0007c\td")] as any });
    expect(sent.messages[0].content).toBe("abc\td");
  });
});
