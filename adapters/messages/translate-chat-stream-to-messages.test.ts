import { describe, expect, it } from "vitest";
import { AnthropicSseWriter } from "./anthropic-sse-writer.ts";
import { ChatToMessagesTranslator } from "./translate-chat-stream-to-messages.ts";

function events(sse: string): { event: string; data: any }[] {
  return sse
    .split("\n\n")
    .filter(Boolean)
    .map((b) => {
      const [e, d] = b.split("\n");
      return { event: e.slice(7), data: JSON.parse(d.slice(6)) };
    });
}

function run(chunks: unknown[], done = true): { out: string; w: AnthropicSseWriter } {
  const w = new AnthropicSseWriter({ messageId: "msg_1", model: "slug" });
  const t = new ChatToMessagesTranslator(w);
  w.start();
  for (const c of chunks) t.onEvent(JSON.stringify(c));
  if (done) t.onEvent("[DONE]");
  else t.onEnd();
  return { out: w.take(), w };
}


describe("chat stream → Anthropic SSE", () => {
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
});
