import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";

/**
 * Pitfall 4: DeepSeek/Kimi/GLM `reasoning_content` must be passed back on the assistant tool-call
 * turn ("The reasoning_content in the thinking mode must be passed back"). Codex only replays
 * `encrypted_content`, so the reasoning has to ride there, tagged with its model.
 */
const tools = [H.EXEC_TOOL];

/** What Codex sends back next turn: the done items as they came (codex-protocol §4.2), then the outputs. */
function replay(items: any[], outputs: any[]) {
  return [H.userMsg("list files"), ...items, ...outputs];
}

describe("pitfall 4: reasoning_content round trip (chat route)", () => {
  it.each([
    ["reasoning_content (DeepSeek, Kimi)", (r: string) => H.chatDelta({ reasoning_content: r })],
    ["reasoning (OpenRouter, vLLM, Groq)", (r: string) => H.chatDelta({ reasoning: r })],
    ["<think> in content (Qwen, MiniMax, GLM)", (r: string) => H.chatDelta({ content: `<think>${r}</think>\n` })],
  ])("%s: streamed as reasoning, sent back byte-exact on the tool-call turn", async (_n, chunk) => {
    const thought = "I should run ls.\n  Then answer — ✓ 日本";
    const t = await H.translateAllCuts(
      "chat",
      { input: [H.userMsg("list files")], tools } as any,
      H.chatSseBody([chunk(thought), H.chatToolDelta([{ index: 0, id: "call_1", type: "function", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }], "tool_calls")]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.type)).toEqual(["reasoning", "function_call"]);
    expect(t.reasoning).toBe(thought);
    expect(t.events.some((e) => e.type === "response.reasoning_summary_text.delta")).toBe(true);
    const enc = t.items[0].encrypted_content;
    expect(typeof enc).toBe("string");
    expect(enc).not.toContain(thought); // opaque to Codex

    const { sent } = H.prepare("chat", { input: replay(t.items, [H.fnOut("call_1", "a.txt")]) as any, tools } as any);
    const assistant = sent.messages.find((m: any) => m.role === "assistant");
    expect(assistant.tool_calls.map((c: any) => c.id)).toEqual(["call_1"]);
    expect(assistant.reasoning_content).toBe(thought);
  });

  it("reasoning of a final-answer turn (no tool call) is not sent back", async () => {
    const t = await H.translate("chat", { input: [H.userMsg("hi")] } as any, H.chatSseBody([H.chatDelta({ reasoning_content: "greet" }), H.chatDelta({ content: "Hello" }, "stop")]));
    const { sent } = H.prepare("chat", { input: [H.userMsg("hi"), ...t.items, H.userMsg("again")] as any });
    expect(sent.messages.some((m: any) => "reasoning_content" in m)).toBe(false);
    expect(sent.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
  });

  it("every tool-call turn of a multi-step loop gets its own reasoning back", async () => {
    const step = async (input: any[], thought: string, id: string) =>
      (
        await H.translate("chat", { input, tools } as any, H.chatSseBody([H.chatDelta({ reasoning_content: thought }), H.chatToolDelta([{ index: 0, id, type: "function", function: { name: "exec_command", arguments: "{}" } }], "tool_calls")]))
      ).items;
    const a = await step([H.userMsg("go")], "first thought", "c1");
    const input2 = [H.userMsg("go"), ...a, H.fnOut("c1", "ok")];
    const b = await step(input2, "second thought", "c2");
    const { sent } = H.prepare("chat", { input: [...input2, ...b, H.fnOut("c2", "ok")] as any, tools } as any);
    expect(sent.messages.filter((m: any) => m.role === "assistant").map((m: any) => m.reasoning_content)).toEqual(["first thought", "second thought"]);
  });

  it("the same reasoning through the non-streaming (JSON body) path", async () => {
    const body = JSON.stringify({
      id: "x",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: null, reasoning_content: "think", tool_calls: [{ id: "c1", type: "function", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }] }, finish_reason: "tool_calls" }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    const t = await H.translate("chat", { input: [H.userMsg("x")], tools } as any, body, { contentType: "application/json" });
    expect(t.errors).toEqual([]);
    const { sent } = H.prepare("chat", { input: replay(t.items, [H.fnOut("c1", "ok")]) as any, tools } as any);
    expect(sent.messages.find((m: any) => m.tool_calls).reasoning_content).toBe("think");
  });
});

describe("pitfall 4: reasoning on the Anthropic route (Kimi/DeepSeek Anthropic endpoints want a thinking block)", () => {
  it("signed thinking is replayed as a thinking block before the tool_use, never as a top-level field", async () => {
    const t = await H.translate(
      "anthropic",
      { input: [H.userMsg("x")], tools } as any,
      H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicThinkingBlock(0, "plan", "sig-1"), ...H.anthropicToolBlock(1, "toolu_1", "exec_command", ['{"cmd":"ls"}']), ...H.anthropicEnd("tool_use")]),
    );
    const { sent } = H.prepare("anthropic", { input: replay(t.items, [H.fnOut("toolu_1", "ok")]) as any, tools, reasoning: { effort: "medium" } } as any);
    const assistant = sent.messages.find((m: any) => m.role === "assistant");
    expect(assistant.content[0]).toEqual({ type: "thinking", thinking: "plan", signature: "sig-1" });
    expect(JSON.stringify(sent)).not.toContain("reasoning_content");
  });
});
