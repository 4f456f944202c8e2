import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sseStep, startScriptedUpstream, chatTextStep, chatChunk, chatSse, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { chatToolCallsStep } from "../helpers/chat-agent-steps.ts";
import { anthropicStep, anthropicMidStreamErrorStep } from "../helpers/anthropic-sse.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { assertCompactResource, assertResponseResource, assertValidEventStream, assertValidSseBody } from "../helpers/open-responses-schema.ts";
import { clearCursorStatusCache } from "../../adapters/cursor/cursor-status.ts";

/**
 * Every route, streaming and not: every SSE event the shim emits and every response object
 * validates against the Open Responses schema (test/helpers/open-responses-schema.ts).
 */
const FAKE_CURSOR = fileURLToPath(new URL("../fixtures/fake-cursor-agent.mjs", import.meta.url));
let up: ScriptedUpstream;
let shim: TestShim;
let workspace: string;

const tools = [
  { type: "function", name: "exec_command", description: "run", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } } } },
  { type: "custom", name: "apply_patch", description: "patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } },
];
const codexLike = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  stream: true,
  instructions: "You are a coder.",
  input: [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "be brief" }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: `<environment_context>\n  <cwd>${workspace}</cwd>\n</environment_context>` }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
  ],
  tools,
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "medium", summary: "auto" },
  store: false,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "thread-xyz",
  ...extra,
});

async function streamed(body: unknown): Promise<any[]> {
  const res = await postResponses(shim, body);
  expect(res.status).toBe(200);
  const events = assertValidSseBody(await res.text());
  for (const e of events) if (e.response) assertResponseResource(e.response, `${e.type}.response`);
  return events;
}
async function nonStreamed(body: Record<string, unknown>): Promise<any> {
  const res = await postResponses(shim, { ...body, stream: false });
  const obj = await res.json();
  assertResponseResource(obj);
  return obj;
}

beforeAll(async () => {
  up = await startScriptedUpstream();
  workspace = mkdtempSync(join(tmpdir(), "schema-ws-"));
  const home = mkdtempSync(join(tmpdir(), "schema-codex-home-"));
  writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: "tok-schema-test-0123456789" } }));
  shim = await startTestShim(
    [
      { model: "up-chat", slug: "chat", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-schema-chat-123456" },
      { model: "claude-sonnet-4-5", slug: "claude", provider: "anthropic", base_url: `${up.url}/anthropic/v1`, api_key: "sk-ant-schema-123456" },
    ],
    { env: { ...process.env, CODEX_HOME: home, CODEX_SHIM_CHATGPT_BASE_URL: `${up.url}/cg`, CURSOR_AGENT_BIN: FAKE_CURSOR, CODEX_SHIM_CURSOR_TRUST: "1" } },
  );
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.requests.length = 0;
  clearCursorStatusCache();
});

describe("Open Responses schema: chat-completions route", () => {
  it("text, reasoning and tool calls (function + apply_patch); the response echoes the request", async () => {
    up.setScript([
      chatToolCallsStep(
        [
          { id: "call_1", name: "exec_command", args: '{"cmd":"ls"}' },
          { id: "call_2", name: "apply_patch", args: JSON.stringify({ input: "*** Begin Patch\n*** End Patch\n" }) },
        ],
        { reasoning: "thinking about it", text: "Let me look." },
      ),
    ]);
    const events = await streamed(codexLike("chat"));
    const done = events.at(-1).response;
    expect(done.output.map((o: any) => o.type)).toEqual(["reasoning", "message", "function_call", "custom_tool_call"]);
    expect(done).toMatchObject({ instructions: "You are a coder.", parallel_tool_calls: false, reasoning: { effort: "medium", summary: "auto" }, store: false, prompt_cache_key: "thread-xyz", tool_choice: "auto" });
    expect(done.tools[1]).toMatchObject({ type: "custom", name: "apply_patch" });
  });

  it("non-streaming, incomplete (max tokens) and failed mid-stream", async () => {
    up.setScript([chatTextStep("plain answer")]);
    expect((await nonStreamed(codexLike("chat"))).status).toBe("completed");
    up.setScript([sseStep(chatSse([chatChunk({ content: "cut" }), chatChunk({}, "length")]))]);
    expect((await streamed(codexLike("chat"))).at(-1).response.status).toBe("incomplete");
    up.setScript([sseStep(chatSse([chatChunk({ content: "half" })], { done: false }))]);
    const failed = (await streamed(codexLike("chat"))).at(-1);
    expect(failed.type).toBe("response.failed");
    expect(failed.response.error.code).toBeTypeOf("string");
    // the same failure, non-streaming: an HTTP error status with a complete (failed) ResponseResource
    up.setScript([sseStep(chatSse([chatChunk({ content: "half" })], { done: false }))]);
    const res = await postResponses(shim, { ...codexLike("chat"), stream: false });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const obj = await res.json();
    assertResponseResource(obj);
    expect(obj.status).toBe("failed");
  });
});

describe("Open Responses schema: Anthropic route", () => {
  it("thinking, text and a tool call; and a mid-stream error", async () => {
    up.setScript([anthropicStep({ thinking: [{ thinking: "hmm", signature: "sig" }], text: "Looking.", tools: [{ id: "toolu_1", name: "exec_command", input: { cmd: "ls" } }] })]);
    const events = await streamed(codexLike("claude"));
    expect(events.at(-1).response.output.map((o: any) => o.type)).toEqual(["reasoning", "message", "function_call"]);
    up.setScript([anthropicStep({ text: "non-streaming" })]);
    expect((await nonStreamed(codexLike("claude"))).output[0].content[0].text).toBe("non-streaming");
    up.setScript([anthropicMidStreamErrorStep()]);
    expect((await streamed(codexLike("claude"))).at(-1).type).toBe("response.failed");
  });
});

describe("Open Responses schema: Cursor passthrough", () => {
  it("streams and answers non-streaming with complete response objects", async () => {
    const events = await streamed(codexLike("composer-2-5"));
    expect(events.at(-1).response.output[0].content[0].text).toBe("Hello, world!");
    expect((await nonStreamed(codexLike("composer-2-5"))).status).toBe("completed");
  });
});

describe("ChatGPT passthrough (relay): what the shim itself emits", () => {
  const upstreamEvents = [
    { type: "response.created", sequence_number: 0, response: { id: "resp_up", object: "response", status: "in_progress", model: "gpt-5.5", output: [] } },
    { type: "response.output_text.delta", sequence_number: 1, item_id: "msg_1", output_index: 0, content_index: 0, delta: "hi" },
  ];
  const sse = (evs: unknown[]) => evs.map((e: any) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");

  it("a stream cut before response.completed ends with the shim's response.failed: valid, next sequence number, the upstream's id", async () => {
    up.setScript([sseStep(sse(upstreamEvents))]);
    const res = await postResponses(shim, codexLike("gpt-5.5"));
    const events = parseSseEvents(await res.text());
    expect(events.map((e) => e.type)).toEqual(["response.created", "response.output_text.delta", "response.failed"]);
    const failed = events.at(-1);
    assertValidEventStream([failed]);
    expect(failed.sequence_number).toBe(2);
    expect(failed.response).toMatchObject({ id: "resp_up", status: "failed", error: { code: "server_error" } });
    // the upstream was asked not to store (the shim keeps store:true itself)
    expect(up.requests[0].body.store).toBe(false);
  });
});

describe("native Responses upstream (relay): what the shim itself emits", () => {
  it("keep-alives during upstream silence and the failure when the stream is cut: complete objects, sequence continued", async () => {
    const slow = await startTestShim([{ model: "qwen3-coder", slug: "local", provider: "responses", base_url: `${up.url}/v1` }], { keepAliveMs: 100 });
    try {
      const created = { type: "response.created", sequence_number: 0, response: { id: "resp_native", object: "response", created_at: 5, model: "qwen3-coder", status: "in_progress", output: [] } };
      up.setScript([
        (_r, res) => {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.write(`event: response.created\ndata: ${JSON.stringify(created)}\n\n`);
          setTimeout(() => res.end(), 450);
        },
      ]);
      const events = parseSseEvents(await (await postResponses(slow, codexLike("local"))).text());
      const own = events.slice(1);
      expect(own.filter((e) => e.type === "response.in_progress").length).toBeGreaterThan(0);
      expect(own.at(-1).type).toBe("response.failed");
      assertValidEventStream(own);
      for (const e of own) assertResponseResource(e.response, e.type);
      expect(own.map((e) => e.sequence_number)).toEqual(own.map((_, i) => i + 1));
      expect(own.at(-1).response).toMatchObject({ id: "resp_native", created_at: 5, model: "local", instructions: "You are a coder.", store: false });
    } finally {
      await slow.close();
    }
  });
});

describe("Open Responses schema: /v1/responses/compact on every route", () => {
  const compact = async (model: string) => {
    const res = await fetch(`${shim.url}/v1/responses/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, input: codexLike(model).input }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    assertCompactResource(body);
    return body;
  };
  it("chat, Anthropic and Cursor answer the CompactResource shape", async () => {
    up.setScript([chatTextStep("SUMMARY chat")]);
    expect((await compact("chat")).output.at(-1).type).toBe("compaction");
    up.setScript([anthropicStep({ text: "SUMMARY claude" })]);
    expect((await compact("claude")).output.at(-1).type).toBe("compaction");
    expect((await compact("composer-2-5")).output.at(-1).type).toBe("compaction");
  });

  it("compacts a stored conversation named by previous_response_id (no input)", async () => {
    up.setScript([chatTextStep("the answer"), chatTextStep("SUMMARY stored")]);
    const stored = await (await postResponses(shim, { model: "chat", stream: false, store: true, input: "remember this" })).json();
    const res = await fetch(`${shim.url}/v1/responses/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat", previous_response_id: stored.id }) });
    expect(res.status).toBe(200);
    const body = await res.json();
    assertCompactResource(body);
    const sent = up.requests.at(-1)!.body.messages.map((m: any) => m.content);
    expect(sent.slice(0, 2)).toEqual(["remember this", "the answer"]);
    const unknown = await fetch(`${shim.url}/v1/responses/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "chat", previous_response_id: "resp_nope" }) });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatchObject({ code: "previous_response_not_found", param: "previous_response_id" });
  });
});
