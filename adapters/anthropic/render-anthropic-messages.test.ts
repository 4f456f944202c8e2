import { describe, expect, it } from "vitest";
import { renderAnthropicMessages, toAnthropicToolId, type AnthropicRenderOptions } from "./render-anthropic-messages.ts";
import type { Turn } from "../conversation/conversation-types.ts";

function render(turns: Turn[], over: Partial<AnthropicRenderOptions> = {}) {
  const notes: string[] = [];
  const tools = { upstreamNameFor: (c: { name: string; namespace?: string }) => (c.namespace ? `${c.namespace}__${c.name}` : c.name) };
  return { ...renderAnthropicMessages(turns, { model: "claude-x", noImages: false, tools, notes, ...over }), notes };
}
const text = (t: string) => ({ type: "text" as const, text: t });

describe("neutral turns → Anthropic messages", () => {
  it("puts tool_result blocks first in the next user turn, in call order, with an error result for a call that has none", () => {
    const { messages, notes } = render([
      { role: "user", parts: [text("go")] },
      {
        role: "assistant",
        steps: [
          { type: "tool_call", call: { callId: "a.1", name: "f", input: { kind: "json", text: '{"x":1}' }, result: { output: "A" } } },
          { type: "tool_call", call: { callId: "b", name: "g", namespace: "ns", input: { kind: "json", text: "oops" } } },
          { type: "tool_call", call: { callId: "c", name: "f", input: { kind: "object", value: {} }, result: { output: [text(" ")] } } },
        ],
      },
      { role: "user", parts: [text("and?")] },
    ]);
    expect(messages[1].content).toEqual([
      { type: "tool_use", id: "a_1", name: "f", input: { x: 1 } },
      { type: "tool_use", id: "b", name: "ns__g", input: { _raw: "oops" } },
      { type: "tool_use", id: "c", name: "f", input: {} },
    ]);
    expect(messages[2].content).toEqual([
      { type: "tool_result", tool_use_id: "a_1", content: "A" },
      { type: "tool_result", tool_use_id: "b", content: "No result was recorded for this tool call (it was interrupted).", is_error: true },
      { type: "tool_result", tool_use_id: "c", content: "(no output)" },
      text("and?"),
    ]);
    expect(notes).toEqual(["tool call b had no result; sent an error result"]);
  });

  it("maps images: base64 data URLs (parameters allowed, jpg → jpeg), http URLs, unsupported types and unusable URLs", () => {
    const { messages, notes } = render([
      {
        role: "user",
        parts: [
          { type: "image", url: "data:image/JPG;name=a.jpg;base64,AAAA" },
          { type: "image", url: "https://x.invalid/i.png" },
          { type: "image", url: "data:image/bmp;base64,Qk0=" },
          { type: "image", url: "file:///etc/passwd" },
        ],
      },
    ]);
    expect(messages[0].content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } },
      { type: "image", source: { type: "url", url: "https://x.invalid/i.png" } },
      text("[image of unsupported type image/bmp omitted]"),
    ]);
    expect(notes).toEqual(["image of type image/bmp dropped (Anthropic takes jpeg, png, gif, webp)", "image with an unusable URL dropped"]);
    expect(render([{ role: "user", parts: [{ type: "image", url: "https://x.invalid/i.png" }] }], { noImages: true }).messages[0].content).toEqual([text("[image omitted: this model does not accept images]")]);
  });

  it("replays only this model's thinking, hoists system turns, merges same-role turns and fixes the ends", () => {
    const blocks = [{ type: "thinking" as const, thinking: "t", signature: "s" }];
    const { system, messages, notes } = render([
      { role: "assistant", steps: [{ type: "reasoning", carrier: { kind: "anthropic", model: "claude-x", blocks } }, { type: "text", parts: [text("one")] }] },
      { role: "system", parts: [text("sys"), text("  ")] },
      { role: "assistant", steps: [{ type: "reasoning", carrier: { kind: "anthropic", model: "claude-y", blocks } }, { type: "reasoning", carrier: { kind: "opaque" } }, { type: "text", parts: [text("two")] }] },
    ]);
    expect(system).toEqual([text("sys")]);
    expect(messages).toEqual([
      { role: "user", content: [text("(conversation continues)")] },
      { role: "assistant", content: [...blocks, text("one"), text("two")] },
      { role: "user", content: [text("Continue.")] },
    ]);
    expect(notes).toEqual(["2 reasoning item(s) from another model not replayed"]);
  });

  it("keeps tool ids valid for the API", () => {
    expect(toAnthropicToolId("call:1/2")).toBe("call_1_2");
    expect(toAnthropicToolId("")).toBe("call_0");
  });
});
