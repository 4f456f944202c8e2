import { describe, expect, it } from "vitest";
import { noteExtends, serializeChatBody } from "./serialize-chat-body.ts";
import type { ChatRequest } from "./chat-types.ts";

describe("serializeChatBody", () => {
  it("is byte-for-byte JSON.stringify of the body, with or without other fields", () => {
    const serialized = (b: ChatRequest) => Buffer.concat(serializeChatBody(b)).toString("utf8");
    const messages: ChatRequest["messages"] = [
      { role: "system", content: "be \"brief\"\n" },
      { role: "user", content: [{ type: "text", text: "hi ✓" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ];
    const full: ChatRequest = { model: "m", messages, stream: true, stream_options: { include_usage: true }, tools: [], temperature: 0.2 };
    expect(serialized(full)).toBe(JSON.stringify(full));
    const bare: ChatRequest = { model: "m", messages: [], stream: false };
    expect(serialized(bare)).toBe(JSON.stringify(bare));
    // a second body reusing the same message objects (a continuation) serializes the same way,
    // also when it is known to extend the first (only the new messages are visited then)
    const next: ChatRequest = { ...full, messages: [...messages, { role: "user", content: "more" }] };
    expect(serialized(next)).toBe(JSON.stringify(next));
    const extended: ChatRequest = { ...full, messages: [...messages, { role: "user", content: "and more" }] };
    noteExtends(extended.messages, messages);
    expect(serialized(extended)).toBe(JSON.stringify(extended));
    const fromEmpty: ChatRequest = { ...bare, messages: [{ role: "user", content: "x" }] };
    noteExtends(fromEmpty.messages, bare.messages);
    expect(serialized(fromEmpty)).toBe(JSON.stringify(fromEmpty));
    // a long chain of continuations stays exact and in a bounded number of pieces
    let prev = extended.messages;
    for (let i = 0; i < 40; i++) {
      const b: ChatRequest = { ...full, messages: [...prev, { role: "user", content: `turn ${i} ✓` }] };
      noteExtends(b.messages, prev);
      expect(serialized(b)).toBe(JSON.stringify(b));
      expect(serializeChatBody(b).length).toBeLessThanOrEqual(16 + 2);
      prev = b.messages;
    }
  });
});
