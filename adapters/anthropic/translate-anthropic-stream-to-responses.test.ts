import { describe, expect, it } from "vitest";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { buildUpstreamToolSet } from "../tools/upstream-tool-set.ts";
import type { Tool } from "../responses/responses-types.ts";
import { AnthropicStreamTranslator } from "./translate-anthropic-stream-to-responses.ts";
import { decodeAnthropicThinking } from "./anthropic-thinking-carrier.ts";
import { decodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import { anthropicTurnEvents } from "../../test/helpers/anthropic-sse.ts";
import { assertCodexStream, checkCodexStream } from "../../test/helpers/check-codex-stream.ts";

const TOOLS: Tool[] = [
  { type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } } },
  { type: "custom", name: "apply_patch", description: "patch", format: { type: "grammar", syntax: "lark", definition: "start: x" } },
  { type: "namespace", name: "mcp__calc", description: "calc", tools: [{ type: "function", name: "add", parameters: { type: "object", properties: {} } }] },
];

function run(events: unknown[], opts: { json?: unknown; end?: boolean } = {}) {
  const writer = new ResponsesEventWriter({ responseId: "resp_t", model: "slug" });
  const notes: string[] = [];
  const t = new AnthropicStreamTranslator(writer, buildUpstreamToolSet(TOOLS, []), { model: "claude-sonnet-4-5", where: "model slug at http://up/v1/messages", notes });
  writer.start();
  if (opts.json !== undefined) t.onJsonBody(opts.json);
  for (const e of events) t.onEvent(JSON.stringify(e), (e as { type: string }).type);
  if (opts.end !== false) t.onEnd();
  return { sse: writer.take(), writer, notes };
}

describe("AnthropicStreamTranslator", () => {
  it("streams text and reports usage with cache reads and writes included in input", () => {
    const { sse } = run(anthropicTurnEvents({ text: "Hello there", usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 7 } }));
    const r = assertCodexStream(sse);
    expect(r.text).toBe("Hello there");
    expect(r.terminal.type).toBe("response.completed");
    expect(r.terminal.response.usage).toEqual({
      input_tokens: 125,
      input_tokens_details: { cached_tokens: 100, cache_write_tokens: 20 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 132,
    });
  });

  it("carries thinking blocks byte-exact with signatures, in order, tagged with the model", () => {
    const thinking = [
      { thinking: '  First "quoted" \\ thought\n with unicode ✓ and \u2028 separators\n', signature: "EsECCokBCBAYAipA+/=sig1" },
      { thinking: "second thought", signature: "sig2==" },
    ];
    const { sse } = run(anthropicTurnEvents({ thinking, redacted: ["REDACTED-DATA-1"], text: "answer" }));
    const r = assertCodexStream(sse);
    const reasoning = r.items.filter((i) => i.type === "reasoning");
    expect(reasoning).toHaveLength(1);
    expect(r.reasoning).toBe(thinking[0].thinking + thinking[1].thinking);
    const carried = decodeAnthropicThinking(reasoning[0].encrypted_content);
    expect(carried).toEqual({
      model: "claude-sonnet-4-5",
      blocks: [
        { type: "thinking", ...thinking[0] },
        { type: "thinking", ...thinking[1] },
        { type: "redacted_thinking", data: "REDACTED-DATA-1" },
      ],
    });
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "message"]);
  });

  it("keeps a signature-only thinking block (thinking omitted by the API)", () => {
    const events = anthropicTurnEvents({ thinking: [{ thinking: "", signature: "only-sig" }], text: "x" });
    const r = assertCodexStream(run(events).sse);
    const item = r.items.find((i) => i.type === "reasoning");
    expect(item.summary).toEqual([]);
    expect(decodeAnthropicThinking(item.encrypted_content)!.blocks).toEqual([{ type: "thinking", thinking: "", signature: "only-sig" }]);
  });

  it("emits interleaved thinking as separate reasoning items before each tool call", () => {
    const events: unknown[] = [
      ...anthropicTurnEvents({ thinking: [{ thinking: "a", signature: "s1" }], tools: [{ id: "toolu_1", name: "exec_command", input: { cmd: "ls" } }] }).slice(0, -2),
      { type: "content_block_start", index: 2, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 2, delta: { type: "thinking_delta", thinking: "b" } },
      { type: "content_block_delta", index: 2, delta: { type: "signature_delta", signature: "s2" } },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "tool_use", id: "toolu_2", name: "exec_command", input: {} } },
      { type: "content_block_delta", index: 3, delta: { type: "input_json_delta", partial_json: '{"cmd":"pwd"}' } },
      { type: "content_block_stop", index: 3 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } },
      { type: "message_stop" },
    ];
    const r = assertCodexStream(run(events).sse);
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "function_call", "reasoning", "function_call"]);
    expect(decodeAnthropicThinking(r.items[0].encrypted_content)!.blocks[0]).toMatchObject({ signature: "s1" });
    expect(decodeAnthropicThinking(r.items[2].encrypted_content)!.blocks[0]).toMatchObject({ signature: "s2" });
    expect(r.items[3]).toMatchObject({ call_id: "toolu_2", name: "exec_command", arguments: '{"cmd":"pwd"}' });
  });

  it("maps tool_use to function calls, custom tool calls (raw input) and namespaced calls", () => {
    const events = anthropicTurnEvents({
      tools: [
        { id: "toolu_a", name: "exec_command", input: { cmd: "echo hi" } },
        { id: "toolu_b", name: "apply_patch", input: { input: "*** Begin Patch\n*** End Patch" } },
        { id: "toolu_c", name: "mcp__calc__add", input: { a: 1 } },
      ],
    });
    const r = assertCodexStream(run(events).sse);
    expect(r.items).toMatchObject([
      { type: "function_call", call_id: "toolu_a", name: "exec_command", arguments: '{"cmd":"echo hi"}' },
      { type: "custom_tool_call", call_id: "toolu_b", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { type: "function_call", call_id: "toolu_c", name: "add", namespace: "mcp__calc", arguments: '{"a":1}' },
    ]);
  });

  it("uses the start input when a compatible server sends no input_json_delta, and {} for none", () => {
    const events = [
      anthropicTurnEvents({})[0],
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t1", name: "exec_command", input: { cmd: "date" } } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "t2", name: "exec_command", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
      { type: "message_stop" },
    ];
    const r = assertCodexStream(run(events).sse);
    expect(r.items.map((i) => i.arguments)).toEqual(['{"cmd":"date"}', "{}"]);
  });

  it("turns an overloaded error event into a retryable server_error, leaving partial items open", () => {
    const events = [...anthropicTurnEvents({ text: "partial" }).slice(0, 4), { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }];
    const r = assertCodexStream(run(events).sse);
    expect(r.terminal.type).toBe("response.failed");
    expect(r.terminal.response.error.code).toBe("server_error");
    expect(r.terminal.response.error.message).toContain("Overloaded");
    expect(r.items).toEqual([]);
  });

  it.each([
    ["invalid_request_error", "messages.1: bad", "invalid_prompt"],
    ["invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum", "context_length_exceeded"],
    ["rate_limit_error", "slow down", "rate_limit_exceeded"],
    ["api_error", "Internal server error", "server_error"],
    ["authentication_error", "invalid x-api-key sk-ant-FAKE-not-a-key-0000", "invalid_prompt"],
  ])("maps error event %s (%s) to %s", (type, message, code) => {
    const r = checkCodexStream(run([anthropicTurnEvents({})[0], { type: "error", error: { type, message } }]).sse);
    expect(r.terminal.response.error.code).toBe(code);
    if (code === "rate_limit_exceeded") expect(r.terminal.response.error.message).toMatch(/try again in \d+s/);
    expect(r.terminal.response.error.message).not.toContain("sk-ant-FAKE");
  });

  it("fails a stream that ends before message_stop, even after message_delta", () => {
    const events = anthropicTurnEvents({ text: "cut", tools: [{ id: "t", name: "exec_command", input: { cmd: "x" } }] });
    const r = assertCodexStream(run(events.slice(0, -1)).sse);
    expect(r.terminal.type).toBe("response.failed");
    expect(r.terminal.response.error.code).toBe("server_error");
    expect(r.terminal.response.error.message).toMatch(/ended before message_stop/);
  });

  it("never emits a tool call whose block did not finish", () => {
    const events = anthropicTurnEvents({ tools: [{ id: "t", name: "exec_command", input: { cmd: "rm -rf /tmp/x" } }] });
    const withoutStop = events.filter((e: any) => !(e.type === "content_block_stop" && e.index === 0));
    const r = assertCodexStream(run(withoutStop).sse);
    expect(r.items.filter((i) => i.type === "function_call")).toEqual([]);
  });

  it("ends max_tokens as incomplete", () => {
    const r = assertCodexStream(run(anthropicTurnEvents({ text: "trunc", stopReason: "max_tokens" })).sse);
    expect(r.terminal.type).toBe("response.incomplete");
    expect(r.terminal.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(r.text).toBe("trunc");
  });

  it("surfaces a refusal as text and ends incomplete with content_filter", () => {
    const events = [
      anthropicTurnEvents({})[0],
      { type: "message_delta", delta: { stop_reason: "refusal", stop_details: { type: "refusal", category: "cyber", explanation: "Blocked by policy." } }, usage: { output_tokens: 5 } },
      { type: "message_stop" },
    ];
    const r = assertCodexStream(run(events).sse);
    expect(r.text).toBe("The model declined to answer (category: cyber): Blocked by policy.");
    expect(r.terminal.type).toBe("response.incomplete");
    expect(r.terminal.response.incomplete_details.reason).toBe("content_filter");
  });

  it("translates a whole JSON Message (upstream ignored stream: true), thinking included", () => {
    const json = {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [
        { type: "thinking", thinking: "hmm", signature: "sigJ" },
        { type: "text", text: "done" },
        { type: "tool_use", id: "toolu_j", name: "exec_command", input: { cmd: "ls" } },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 3, cache_read_input_tokens: 4, output_tokens: 2 },
    };
    const { sse } = run([], { json, end: false });
    const r = assertCodexStream(sse);
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(decodeAnthropicThinking(r.items[0].encrypted_content)!.blocks).toEqual([{ type: "thinking", thinking: "hmm", signature: "sigJ" }]);
    expect(r.terminal.response.usage).toMatchObject({ input_tokens: 7, output_tokens: 2, total_tokens: 9, input_tokens_details: { cached_tokens: 4 } });
  });

  it("fails a JSON error body with the mapped code", () => {
    const { sse } = run([], { json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, end: false });
    expect(assertCodexStream(sse).terminal.response.error.code).toBe("server_error");
  });

  it("ignores a repeated message_start but fails a second message spliced mid-stream", () => {
    const events = anthropicTurnEvents({ text: "hi" });
    const dup = assertCodexStream(run([events[0], ...events]).sse);
    expect(dup.terminal.type).toBe("response.completed");
    expect(dup.text).toBe("hi");
    const spliced = [...events.slice(0, 4), { ...(events[0] as object), message: { ...(events[0] as any).message, id: "msg_other" } }, ...events.slice(1)];
    const r = assertCodexStream(run(spliced).sse);
    expect(r.terminal.type).toBe("response.failed");
    expect(r.terminal.response.error.code).toBe("server_error");
  });

  it("skips garbage lines and notes unknown block types once", () => {
    const writer = new ResponsesEventWriter({ responseId: "r", model: "m" });
    const notes: string[] = [];
    const t = new AnthropicStreamTranslator(writer, buildUpstreamToolSet([], []), { model: "m", where: "w", notes });
    writer.start();
    const evs = anthropicTurnEvents({ text: "ok" });
    t.onEvent(JSON.stringify(evs[0]), "message_start");
    t.onEvent("not json", undefined);
    t.onEvent(JSON.stringify({ type: "content_block_start", index: 9, content_block: { type: "server_tool_use", id: "s", name: "web_search", input: {} } }), undefined);
    t.onEvent(JSON.stringify({ type: "content_block_stop", index: 9 }), undefined);
    for (const e of evs.slice(1)) t.onEvent(JSON.stringify(e), undefined);
    const r = assertCodexStream(writer.take());
    expect(r.text).toBe("ok");
    expect(notes).toEqual(["ignored Anthropic content block server_tool_use"]);
  });

  it("answers a remote compaction (v2) request with exactly one compaction item carrying the summary", () => {
    const writer = new ResponsesEventWriter({ responseId: "r", model: "slug" });
    const t = new AnthropicStreamTranslator(writer, buildUpstreamToolSet(TOOLS, []), { model: "claude-sonnet-4-5", where: "w", compactionFor: "slug" });
    writer.start();
    const events = anthropicTurnEvents({ thinking: [{ thinking: "plan", signature: "s" }], text: "  SUMMARY of work  ", tools: [{ id: "t", name: "exec_command", input: {} }] });
    for (const e of events) t.onEvent(JSON.stringify(e));
    const r = assertCodexStream(writer.take());
    expect(r.items).toHaveLength(1);
    expect(r.items[0].type).toBe("compaction");
    expect(decodeCompactionSummary(r.items[0].encrypted_content)).toEqual({ summary: "SUMMARY of work", model: "slug" });
    expect(r.terminal.type).toBe("response.completed");
  });
});
