import { describe, expect, it } from "vitest";
import { AnthropicSseWriter, anthropicUsageOf } from "./anthropic-sse-writer.ts";
import { ChatStreamTranslator } from "../chat/translate-chat-stream-to-responses.ts";
import { buildUsage } from "../responses/normalize-usage.ts";

function events(sse: string): { event: string; data: any }[] {
  return sse
    .split("\n\n")
    .filter(Boolean)
    .map((b) => {
      const [e, d] = b.split("\n");
      return { event: e.slice(7), data: JSON.parse(d.slice(6)) };
    });
}

const plainNames = { resolve: (name: string) => ({ kind: "function" as const, name }) };

/** The /v1/messages-over-chat pairing: the one chat decoder writing into the Anthropic SSE writer. */
function run(chunks: unknown[], done = true): { out: string; w: AnthropicSseWriter } {
  const w = new AnthropicSseWriter({ messageId: "msg_1", model: "slug" });
  const t = new ChatStreamTranslator(w, plainNames, { model: "up" });
  w.start();
  for (const c of chunks) t.onEvent(JSON.stringify(c));
  if (done) t.onEvent("[DONE]");
  else t.onEnd();
  return { out: w.take(), w };
}

describe("chat stream → ChatStreamTranslator → Anthropic SSE", () => {
  it("one text chunk + usage: the exact event grammar (reference-behavior §6.11 pin)", () => {
    const { out } = run([{ choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }] }, { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }, { choices: [], usage: { prompt_tokens: 4, completion_tokens: 2 } }]);
    const ev = events(out);
    expect(ev.map((e) => e.event)).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(ev.every((e) => e.data.type === e.event)).toBe(true);
    expect(ev[0].data.message).toMatchObject({ id: "msg_1", model: "slug", content: [], stop_reason: null });
    expect(ev[2].data).toEqual({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } });
    expect(ev[4].data).toEqual({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { input_tokens: 4, output_tokens: 2 } });
  });

  it("leading <think> text becomes a thinking block; interleaved parallel tool calls come out whole and in order", () => {
    const { out, w } = run([
      { choices: [{ delta: { content: "<think>hmm</think>Ok." } }] },
      { choices: [{ delta: { tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: '{"x":' } }, { index: 1, id: "b", function: { name: "g", arguments: "{}" } }] } }] },
      { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: "1}" } }] }, finish_reason: "tool_calls" }] },
    ]);
    const ev = events(out);
    const starts = ev.filter((e) => e.event === "content_block_start").map((e) => [e.data.index, e.data.content_block.type]);
    expect(starts).toEqual([[0, "thinking"], [1, "text"], [2, "tool_use"], [3, "tool_use"]]);
    expect(w.messageObject().content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "" },
      { type: "text", text: "Ok." },
      { type: "tool_use", id: "a", name: "f", input: { x: 1 } },
      { type: "tool_use", id: "b", name: "g", input: {} },
    ]);
    expect(w.messageObject().stop_reason).toBe("tool_use");
  });

  it("a stream cut without a finish reason is an `error` event, not a message_stop", () => {
    const ev = events(run([{ choices: [{ delta: { content: "half" } }] }], false).out);
    expect(ev.at(-1)!.event).toBe("error");
    expect(ev.at(-1)!.data.error.type).toBe("api_error");
    expect(ev.some((e) => e.event === "message_stop")).toBe(false);
  });

  // What the old second decoder got wrong, now pinned for /v1/messages too:
  it("keys calls by id: a provider reusing index 0 for a second call gets two tool_use blocks", () => {
    const { w } = run([
      { choices: [{ delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "f", arguments: '{"a":1}' } }] } }] },
      { choices: [{ delta: { tool_calls: [{ index: 0, id: "c2", function: { name: "g", arguments: '{"b":2}' } }] } }] },
      { choices: [{ delta: {}, finish_reason: "tool_calls" }] },
    ]);
    expect(w.messageObject().content).toEqual([
      { type: "tool_use", id: "c1", name: "f", input: { a: 1 } },
      { type: "tool_use", id: "c2", name: "g", input: { b: 2 } },
    ]);
  });

  it("takes object-form arguments (Ollama) and repairs arguments cut short", () => {
    const { w } = run([
      { choices: [{ delta: { tool_calls: [{ index: 0, id: "o", function: { name: "f", arguments: { path: "a.txt" } } }] } }] },
      { choices: [{ delta: { tool_calls: [{ index: 1, id: "r", function: { name: "g", arguments: '{"cmd":"ls' } }] } }] },
      { choices: [{ delta: {}, finish_reason: "tool_calls" }] },
    ]);
    expect(w.messageObject().content).toEqual([
      { type: "tool_use", id: "o", name: "f", input: { path: "a.txt" } },
      { type: "tool_use", id: "r", name: "g", input: { cmd: "ls" } },
    ]);
  });

  it("classifies an error chunk: a rate limit is Anthropic's rate_limit_error, a context overflow invalid_request_error", () => {
    const rate = events(run([{ error: { message: "Rate limit reached", code: "rate_limit_exceeded" } }], false).out).at(-1)!;
    expect(rate).toMatchObject({ event: "error", data: { type: "error", error: { type: "rate_limit_error" } } });
    const ctx = events(run([{ error: { message: "maximum context length is 8192 tokens" } }], false).out).at(-1)!;
    expect(ctx.data.error.type).toBe("invalid_request_error");
  });

  it("a length cut ends with stop_reason max_tokens (status incomplete); refusals are text", () => {
    const { out, w } = run([{ choices: [{ delta: { refusal: "no" }, finish_reason: "length" }] }]);
    expect(w.status).toBe("incomplete");
    expect(events(out).find((e) => e.event === "message_delta")!.data.delta.stop_reason).toBe("max_tokens");
    expect(w.messageObject().content).toEqual([{ type: "text", text: "no" }]);
  });
});

describe("AnthropicSseWriter", () => {
  it("a non-object tool input is wrapped as {_raw}, since Anthropic clients need an object", () => {
    const w = new AnthropicSseWriter({ messageId: "msg_1", model: "slug" });
    w.start();
    w.closeFunctionCall(w.openFunctionCall("c", "f"), "[1,2]");
    w.complete(null);
    expect(w.messageObject().content).toEqual([{ type: "tool_use", id: "c", name: "f", input: { _raw: "[1,2]" } }]);
    expect(w.toolCallCount).toBe(1);
    expect(w.messageObject().stop_reason).toBe("tool_use");
  });

  it("writes nothing after the end, and fails with Anthropic's error event", () => {
    const w = new AnthropicSseWriter({ messageId: "msg_1", model: "slug" });
    w.start();
    w.appendText("a");
    w.fail("server_error", "boom");
    w.appendText("late");
    w.complete(null);
    const ev = events(w.take());
    expect(ev.map((e) => e.event)).toEqual(["message_start", "content_block_start", "content_block_delta", "error"]);
    expect(ev.at(-1)!.data).toEqual({ type: "error", error: { type: "api_error", message: "boom" } });
    expect(w.status).toBe("failed");
  });

  it("keep-alives are `ping` events, and an empty reasoning carrier (openReasoning + closeReasoning) writes no block", () => {
    const w = new AnthropicSseWriter({ messageId: "msg_1", model: "slug" });
    w.keepAlive();
    w.openReasoning();
    w.closeReasoning();
    expect(events(w.take()).map((e) => e.event)).toEqual(["ping"]);
  });

  it("maps Responses usage to Anthropic's, whose input_tokens excludes cache reads", () => {
    expect(anthropicUsageOf(buildUsage({ input: 100, output: 5, cached: 60 }))).toEqual({ input_tokens: 40, output_tokens: 5, cache_read_input_tokens: 60 });
    expect(anthropicUsageOf(buildUsage({ input: 3, output: 1 }))).toEqual({ input_tokens: 3, output_tokens: 1 });
  });
});
