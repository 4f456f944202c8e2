import { describe, expect, it } from "vitest";
import { noteExtends, serializeChatBody } from "./serialize-chat-body.ts";
import type { ChatRequest } from "./chat-types.ts";

describe("serializeChatBody", () => {
  it("is byte-for-byte JSON.stringify of the body, with or without other fields", () => {
    const messages: ChatRequest["messages"] = [
      { role: "system", content: "be \"brief\"\n" },
      { role: "user", content: [{ type: "text", text: "hi ✓" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ];
    const full: ChatRequest = { model: "m", messages, stream: true, stream_options: { include_usage: true }, tools: [], temperature: 0.2 };
    expect(serializeChatBody(full)).toBe(JSON.stringify(full));
    const bare: ChatRequest = { model: "m", messages: [], stream: false };
    expect(serializeChatBody(bare)).toBe(JSON.stringify(bare));
    // a second body reusing the same message objects (a continuation) serializes the same way,
    // also when it is known to extend the first (only the new messages are visited then)
    const next: ChatRequest = { ...full, messages: [...messages, { role: "user", content: "more" }] };
    expect(serializeChatBody(next)).toBe(JSON.stringify(next));
    const extended: ChatRequest = { ...full, messages: [...messages, { role: "user", content: "and more" }] };
    noteExtends(extended.messages, messages);
    expect(serializeChatBody(extended)).toBe(JSON.stringify(extended));
    const fromEmpty: ChatRequest = { ...bare, messages: [{ role: "user", content: "x" }] };
    noteExtends(fromEmpty.messages, bare.messages);
    expect(serializeChatBody(fromEmpty)).toBe(JSON.stringify(fromEmpty));
  });
});
