import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";

/**
 * Pitfall 5: Anthropic thinking signatures. Every thinking and redacted_thinking block goes back
 * byte-exact, with its signature, in the original order, never merged or split; dropped (text
 * kept) only for another model or a missing signature.
 */
const tools = [H.EXEC_TOOL];
const weird = "Let me think…\n\n  indented\ttab \u00e9\u0301 \ud83d\ude00 \"quotes\" \\backslash\\ </think> {json}";

function thinkingTurn() {
  return H.anthropicSseBody([
    H.anthropicMessageStart(),
    ...H.anthropicThinkingBlock(0, weird, "EuYBCkQYAiJA+sig/one=="),
    { type: "content_block_start", index: 1, content_block: { type: "redacted_thinking", data: "EmwKAhgBEgy3redacted==" } },
    { type: "content_block_stop", index: 1 },
    ...H.anthropicThinkingBlock(2, "second block", "sig-two"),
    ...H.anthropicTextBlock(3, "I'll list the files."),
    ...H.anthropicToolBlock(4, "toolu_1", "exec_command", ['{"cmd":"ls"}']),
    ...H.anthropicEnd("tool_use"),
  ]);
}

const expectedBlocks = [
  { type: "thinking", thinking: weird, signature: "EuYBCkQYAiJA+sig/one==" },
  { type: "redacted_thinking", data: "EmwKAhgBEgy3redacted==" },
  { type: "thinking", thinking: "second block", signature: "sig-two" },
];

describe("pitfall 5: thinking signatures (Anthropic route)", () => {
  it("streamed thinking + redacted + thinking come back byte-exact, in order, before text and tool_use", async () => {
    const t = await H.translateAllCuts("anthropic", { input: [H.userMsg("x")], tools } as any, thinkingTurn());
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(t.reasoning).toBe(weird + "second block");
    const { sent } = H.prepare("anthropic", { input: [H.userMsg("x"), ...t.items, H.fnOut("toolu_1", "a.txt")] as any, tools, reasoning: { effort: "high" } } as any);
    const assistant = sent.messages[1];
    expect(assistant.content.slice(0, 3)).toEqual(expectedBlocks);
    expect(assistant.content.slice(3).map((b: any) => b.type)).toEqual(["text", "tool_use"]);
    // the thinking config stays on for the tool loop because the block is there
    expect(sent.thinking).toMatchObject({ type: "enabled" });
  });

  it("byte-exact also through the request JSON (no re-serialisation artefacts)", async () => {
    const t = await H.translate("anthropic", { input: [H.userMsg("x")], tools } as any, thinkingTurn());
    const p = H.prepare("anthropic", { input: [H.userMsg("x"), ...t.items, H.fnOut("toolu_1", "a.txt")] as any, tools } as any);
    const raw = String(p.prepared.request.body);
    expect(raw).toContain(JSON.stringify(expectedBlocks[0]));
  });

  it("non-streaming Message bodies keep thinking too (§12.1 #5)", async () => {
    const body = JSON.stringify({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [...expectedBlocks, { type: "tool_use", id: "toolu_1", name: "exec_command", input: { cmd: "ls" } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 3, output_tokens: 4 },
    });
    const t = await H.translate("anthropic", { input: [H.userMsg("x")], tools } as any, body, { contentType: "application/json" });
    expect(t.errors).toEqual([]);
    const { sent } = H.prepare("anthropic", { input: [H.userMsg("x"), ...t.items, H.fnOut("toolu_1", "a.txt")] as any, tools } as any);
    expect(sent.messages[1].content.slice(0, 3)).toEqual(expectedBlocks);
  });

  it("thinking without a signature (some compatible servers) is shown but never replayed with an empty signature", async () => {
    const t = await H.translate(
      "anthropic",
      { input: [H.userMsg("x")], tools } as any,
      H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicThinkingBlock(0, "unsigned", "").filter((e: any) => e.delta?.type !== "signature_delta"), ...H.anthropicToolBlock(1, "toolu_1", "exec_command", ["{}"]), ...H.anthropicEnd("tool_use")]),
    );
    expect(t.reasoning).toBe("unsigned");
    const { sent } = H.prepare("anthropic", { input: [H.userMsg("x"), ...t.items, H.fnOut("toolu_1", "ok")] as any, tools, reasoning: { effort: "high" } } as any);
    expect(JSON.stringify(sent.messages)).not.toContain('"signature":""');
    expect(sent.messages[1].content.some((b: any) => b.type === "thinking")).toBe(false);
    // and thinking is switched off rather than answering a tool call without its thinking block
    expect(sent.thinking).toBeUndefined();
  });

  it("blocks signed by another model are dropped, the visible text is kept, thinking is off for that tool loop", async () => {
    const t = await H.translate("anthropic", { input: [H.userMsg("x")], tools } as any, thinkingTurn(), { model: H.auditModel("anthropic", { model: "claude-opus-4-1" }) });
    const p = H.prepare("anthropic", { input: [H.userMsg("x"), ...t.items, H.fnOut("toolu_1", "ok")] as any, tools, reasoning: { effort: "high" } } as any);
    const text = JSON.stringify(p.sent.messages);
    expect(text).not.toContain("sig/one");
    expect(text).not.toContain("redacted==");
    expect(text).toContain("I'll list the files.");
    expect(p.sent.thinking).toBeUndefined();
  });
});
