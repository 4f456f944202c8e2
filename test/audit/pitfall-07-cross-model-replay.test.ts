import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { encodeChatReasoning } from "../../adapters/chat/chat-reasoning-carrier.ts";
import { encodeAnthropicThinking } from "../../adapters/anthropic/anthropic-thinking-carrier.ts";
import { encodeCompactionSummary } from "../../adapters/compaction/compaction-carrier.ts";

/**
 * Pitfall 7: cross-model replay of encrypted reasoning or compaction (the auto-router switches
 * models by design). Foreign blobs are stripped, readable history is kept, output-only fields
 * such as `status` never reach the upstream, and nothing is sent that another model would reject.
 */
const tools = [H.EXEC_TOOL];
const openaiBlob = "gAAAAABo-real-openai-encrypted-reasoning==";
const history = (reasoning: any) => [
  H.userMsg("ls please"),
  reasoning,
  H.fnCall("c1", "exec_command", { cmd: "ls" }, { status: "completed", id: "fc_1" }),
  { ...H.fnOut("c1", "a.txt"), id: "fco_1" },
  H.assistantMsg("Found a.txt", { status: "completed", id: "msg_1", phase: "final_answer" }),
  H.userMsg("and now?"),
];
const rs = (enc: string) => ({ type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "**Plan** run ls" }], encrypted_content: enc });

describe("pitfall 7: cross-model replay", () => {
  it.each([
    ["OpenAI encrypted reasoning", openaiBlob],
    ["chat reasoning of another model", encodeChatReasoning("kimi-k2", "secret kimi thoughts")],
    ["Anthropic thinking", encodeAnthropicThinking("claude-sonnet-4-5", [{ type: "thinking", thinking: "claude thoughts", signature: "sig" }])],
  ])("chat route (deepseek-chat): %s is not replayed; calls, outputs and text are", (_n, enc) => {
    const p = H.prepare("chat", { input: history(rs(enc)) as any, tools } as any);
    const text = JSON.stringify(p.sent);
    for (const bad of [openaiBlob, "secret kimi", "claude thoughts", "reasoning_content", '"status"', '"phase"', "fc_1", "rs_1"]) expect(text).not.toContain(bad);
    expect(p.sent.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);
    expect(p.notes.join("\n")).toMatch(/another model/);
  });

  it.each([
    ["OpenAI encrypted reasoning", openaiBlob],
    ["chat reasoning", encodeChatReasoning("deepseek-chat", "deepseek thoughts")],
    ["thinking signed by another Claude model", encodeAnthropicThinking("claude-opus-4-1", [{ type: "thinking", thinking: "opus thoughts", signature: "opus-sig" }])],
  ])("Anthropic route (claude-sonnet-4-5): %s is not replayed; thinking is off for the answered tool loop", (_n, enc) => {
    const input = history(rs(enc)).slice(0, 4); // ends on the tool output: the tool loop continues
    const p = H.prepare("anthropic", { input: input as any, tools, reasoning: { effort: "high" } } as any);
    const text = JSON.stringify(p.sent);
    for (const bad of [openaiBlob, "deepseek thoughts", "opus", '"status"', "fc_1", "rs_1"]) expect(text).not.toContain(bad);
    expect(p.sent.messages[1].content.map((b: any) => b.type)).toEqual(["tool_use"]);
    expect(p.sent.thinking).toBeUndefined();
  });

  it("a compaction item made by another provider is dropped with a note; the shim's own summary is readable by any model", () => {
    for (const kind of ["chat", "anthropic"] as const) {
      const foreign = H.prepare(kind, { input: [{ type: "compaction", id: "cmp_1", encrypted_content: openaiBlob }, H.userMsg("go on")] as any });
      expect(JSON.stringify(foreign.sent)).not.toContain(openaiBlob);
      expect(foreign.notes.join("\n")).toMatch(/compaction/);
      const own = H.prepare(kind, { input: [{ type: "compaction", id: "cmp_1", encrypted_content: encodeCompactionSummary("We fixed the parser.", "other-slug") }, H.userMsg("go on")] as any });
      expect(JSON.stringify(own.sent.messages)).toContain("We fixed the parser.");
    }
  });

  it("switching models mid-session: reasoning of model A stays out of model B's request but comes back when A is used again", async () => {
    const a = H.auditModel("chat", { model: "deepseek-reasoner" });
    const b = H.auditModel("chat", { model: "kimi-k2" });
    const t = await H.translate("chat", { input: [H.userMsg("x")], tools } as any, H.chatSseBody([H.chatDelta({ reasoning_content: "A thinks" }), H.chatToolDelta([{ index: 0, id: "c1", type: "function", function: { name: "exec_command", arguments: "{}" } }], "tool_calls")]), { model: a });
    const next = [H.userMsg("x"), ...t.items, H.fnOut("c1", "ok")];
    expect(JSON.stringify(H.prepare("chat", { input: next as any, tools } as any, b).sent)).not.toContain("A thinks");
    expect(H.prepare("chat", { input: next as any, tools } as any, a).sent.messages[1].reasoning_content).toBe("A thinks");
  });
});
