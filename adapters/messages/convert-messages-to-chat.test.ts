import { describe, expect, it } from "vitest";
import { convertMessagesToChat } from "./convert-messages-to-chat.ts";
import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";

const model: ModelConfig = { slug: "m", model: "up", provider: "openai", baseUrl: "http://x", displayName: "M", noImageSupport: false, extraHeaders: {}, index: 0, timeouts: DEFAULT_TIMEOUTS };

function convert(messages: MessagesRequest["messages"], over: Partial<MessagesRequest> = {}, m: ModelConfig = model) {
  const notes: string[] = [];
  return { chat: convertMessagesToChat({ model: "m", max_tokens: 100, messages, ...over }, m, notes), notes };
}

describe("Messages request → chat request", () => {
  it("splits tool results into tool messages, lifts image results after them, maps tool_choice and thinking", () => {
    const { chat, notes } = convert(
      [
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: { a: 1 } }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "see" }, { type: "image", source: { type: "url", url: "https://x/i.png" } }] },
            { type: "text", text: "next" },
          ],
        },
      ],
      {
        thinking: { type: "enabled", budget_tokens: 8000 },
        tool_choice: { type: "any", disable_parallel_tool_use: true },
        tools: [{ name: "f", input_schema: { type: "object" } }, { type: "web_search_20250305", name: "web_search" }],
      },
    );
    expect(chat.messages).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      { role: "tool", tool_call_id: "t1", content: "see" },
      { role: "user", content: [{ type: "text", text: "Images returned by the tool calls above:" }, { type: "image_url", image_url: { url: "https://x/i.png" } }, { type: "text", text: "next" }] },
    ]);
    expect(chat.tool_choice).toBe("required");
    expect(chat.parallel_tool_calls).toBe(false);
    expect(chat.reasoning_effort).toBe("medium");
    expect(chat.tools?.map((t) => t.function.name)).toEqual(["f"]);
    expect(notes[0]).toContain("web_search");
  });

  it("repairs tool pairs like the chat route: call order, missing results answered, orphan results as text", () => {
    const { chat, notes } = convert([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Running " },
          { type: "text", text: "both." },
          { type: "tool_use", id: "a", name: "f", input: {} },
          { type: "tool_use", id: "b", name: "f", input: {} },
          { type: "tool_use", id: "c", name: "f", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "b", content: "B" },
          { type: "tool_result", tool_use_id: "a", content: "A", is_error: true },
          { type: "tool_result", tool_use_id: "ghost", content: "late" },
        ],
      },
    ]);
    expect(chat.messages).toEqual([
      { role: "user", content: "go" },
      { role: "assistant", content: "Running both.", tool_calls: ["a", "b", "c"].map((id) => ({ id, type: "function", function: { name: "f", arguments: "{}" } })) },
      { role: "tool", tool_call_id: "a", content: "Error: A" },
      { role: "tool", tool_call_id: "b", content: "B" },
      { role: "tool", tool_call_id: "c", content: "(no output: the call was not executed)" },
      { role: "user", content: "Output of tool call ghost:\nlate" },
    ]);
    expect(notes).toEqual(expect.arrayContaining(["tool call c had no output in history", "tool result without a matching call sent as text"]));
  });

  it("strips C0 controls, merges same-role messages and keeps thinking only on tool-call turns", () => {
    const { chat } = convert(
      [
        { role: "user", content: "a\u0000b" },
        { role: "user", content: [{ type: "text", text: "second" }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "s" }, { type: "text", text: "plain answer" }] },
        { role: "user", content: "more" },
        { role: "assistant", content: [{ type: "thinking", thinking: "plan", signature: "s" }, { type: "tool_use", id: "t", name: "f", input: { x: "\u0001" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t", content: "ok\u0007" }] },
      ],
      { system: "sys\u0000tem" },
    );
    expect(chat.messages).toEqual([
      { role: "system", content: "system" },
      { role: "user", content: "ab\n\nsecond" },
      { role: "assistant", content: "plain answer" },
      { role: "user", content: "more" },
      { role: "assistant", content: null, reasoning_content: "plan", tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"x":"\\u0001"}' } }] },
      { role: "tool", tool_call_id: "t", content: "ok" },
    ]);
    // rows with reasoning off never get thinking back
    const off = convert([{ role: "assistant", content: [{ type: "thinking", thinking: "plan", signature: "s" }, { type: "tool_use", id: "t", name: "f", input: {} }] }], {}, { ...model, reasoning: false });
    expect(off.chat.messages[0]).not.toHaveProperty("reasoning_content");
  });

  it("replaces images for models without vision and notes documents", () => {
    const { chat, notes } = convert(
      [{ role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }, { type: "document", source: {} }, { type: "text", text: "what?" }] }],
      {},
      { ...model, noImageSupport: true },
    );
    expect(chat.messages).toEqual([{ role: "user", content: "[image omitted: this model does not accept images]\n[document omitted: not supported on this model]\nwhat?" }]);
    expect(notes).toContain("document block omitted");
  });
});
