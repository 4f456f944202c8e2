import { describe, expect, it } from "vitest";
import { convertMessagesToConversation } from "./convert-messages-to-conversation.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";

function convert(req: Partial<MessagesRequest>, replayThinking = true) {
  const notes: string[] = [];
  return { turns: convertMessagesToConversation({ model: "m", messages: [], ...req }, { notes, replayThinking }), notes };
}

describe("Anthropic Messages request → neutral turns", () => {
  it("assistant blocks become steps in order: adjacent text joined, thinking as the client's reasoning, tool_use as calls", () => {
    const { turns } = convert({
      system: [{ type: "text", text: "a" }, { type: "text", text: "b" }],
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "one", signature: "s" },
            { type: "thinking", thinking: "two", signature: "s" },
            { type: "text", text: "Let me " },
            { type: "text", text: "look." },
            { type: "tool_use", id: "t1", name: "Read", input: { path: "x" } },
            { type: "tool_use", id: "t2", name: "Odd", input: "not an object" },
            { type: "redacted_thinking", data: "zzz" },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t2", content: [{ type: "text", text: "r2" }] }, { type: "tool_result", tool_use_id: "t1", content: "r1", is_error: true }, { type: "text", text: "thanks" }] },
      ],
    });
    expect(turns).toEqual([
      { role: "system", parts: [{ type: "text", text: "a\nb" }] },
      { role: "user", parts: [{ type: "text", text: "hi" }] },
      {
        role: "assistant",
        steps: [
          { type: "reasoning", carrier: { kind: "client", text: "one\ntwo" } },
          { type: "text", parts: [{ type: "text", text: "Let me look." }] },
          { type: "tool_call", call: { callId: "t1", name: "Read", input: { kind: "object", value: { path: "x" } }, result: { output: "r1", isError: true } } },
          { type: "tool_call", call: { callId: "t2", name: "Odd", input: { kind: "json", text: '"not an object"' }, result: { output: [{ type: "text", text: "r2" }] } } },
        ],
      },
      { role: "user", parts: [{ type: "text", text: "thanks" }] },
    ]);
  });

  it("leaves thinking out when the row does not reason, and base64 images become data URLs", () => {
    const { turns } = convert(
      {
        messages: [
          { role: "user", content: [{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } }] },
          { role: "assistant", content: [{ type: "thinking", thinking: "x" }, { type: "text", text: "ok" }] },
        ],
      },
      false,
    );
    expect(turns).toEqual([
      { role: "user", parts: [{ type: "image", url: "data:image/jpeg;base64,AAAA" }] },
      { role: "assistant", steps: [{ type: "text", parts: [{ type: "text", text: "ok" }] }] },
    ]);
  });
});
