import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";
import { encodeChatReasoning } from "../../adapters/chat/chat-reasoning-carrier.ts";
import { encodeAnthropicThinking } from "../../adapters/anthropic/anthropic-thinking-carrier.ts";

/**
 * Pitfall 2: parallel tool calls and message grouping. N consecutive calls (with any text/reasoning
 * before them) are ONE assistant message with N tool_calls followed by the N answers in call order
 * (chat), or one assistant turn with N tool_use and ONE user turn with N tool_result (Anthropic).
 */
const roles = (msgs: any[]) => msgs.map((m) => (m.role === "tool" ? `tool:${m.tool_call_id}` : m.tool_calls ? `assistant[${m.tool_calls.map((c: any) => c.id).join(",")}]` : m.role));

describe("pitfall 2: parallel calls (chat route)", () => {
  it("the real Codex parallel turn-2 request: one assistant message with both calls, then both tool messages", () => {
    const body = codexRequestBody("parallel-turn2");
    const { sent } = H.prepare("chat", body);
    expect(roles(sent.messages)).toEqual(["system", "user", "assistant[call_p1,call_p2]", "tool:call_p1", "tool:call_p2"]);
    expect(sent.parallel_tool_calls).toBe(true);
  });

  it("reasoning + text before the calls join the same assistant message; answers in call order even when finished out of order", () => {
    const input = [
      H.userMsg("two things"),
      { type: "reasoning", summary: [{ type: "summary_text", text: "plan" }], encrypted_content: encodeChatReasoning("deepseek-chat", "plan both") },
      H.assistantMsg("Running both.", { phase: "commentary" }),
      H.fnCall("a", "exec_command", { cmd: "ls" }),
      H.fnCall("b", "exec_command", { cmd: "pwd" }),
      H.fnOut("b", "/tmp"),
      H.fnOut("a", "x.txt"),
    ];
    const { sent } = H.prepare("chat", { input: input as any, tools: [H.EXEC_TOOL] as any });
    expect(roles(sent.messages)).toEqual(["user", "assistant[a,b]", "tool:a", "tool:b"]);
    expect(sent.messages[1]).toMatchObject({ content: "Running both.", reasoning_content: "plan both" });
    expect(sent.messages[3].content).toBe("/tmp");
  });

  it("images returned by parallel calls come after ALL tool messages", () => {
    const img = [{ type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" }];
    const input = [H.userMsg("look"), H.fnCall("a", "view_image", { path: "a" }), H.fnCall("b", "view_image", { path: "b" }), H.fnOut("a", img), H.fnOut("b", img)];
    const { sent } = H.prepare("chat", { input: input as any });
    expect(roles(sent.messages)).toEqual(["user", "assistant[a,b]", "tool:a", "tool:b", "user"]);
  });

  it("a streamed answer with two interleaved calls gives two function_call items in index order", async () => {
    const t = await H.translateAllCuts(
      "chat",
      { input: [H.userMsg("x")], tools: [H.EXEC_TOOL] } as any,
      H.chatSseBody([
        H.chatToolDelta([{ index: 0, id: "a", type: "function", function: { name: "exec_command", arguments: '{"cmd":' } }]),
        H.chatToolDelta([{ index: 1, id: "b", type: "function", function: { name: "exec_command", arguments: '{"cmd":' } }]),
        H.chatToolDelta([{ index: 1, function: { arguments: '"pwd"}' } }]),
        H.chatToolDelta([{ index: 0, function: { arguments: '"ls"}' } }]),
        H.chatDelta({}, "tool_calls"),
      ]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => [i.call_id, i.arguments])).toEqual([
      ["a", '{"cmd":"ls"}'],
      ["b", '{"cmd":"pwd"}'],
    ]);
  });

  it("tool-call deltas without any index are told apart by id (§12.2: no merging)", async () => {
    const t = await H.translate(
      "chat",
      { input: [H.userMsg("x")], tools: [H.EXEC_TOOL] } as any,
      H.chatSseBody([
        H.chatToolDelta([{ id: "a", type: "function", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }]),
        H.chatToolDelta([{ id: "b", type: "function", function: { name: "exec_command", arguments: '{"cmd":"pwd"}' } }]),
        H.chatDelta({}, "tool_calls"),
      ]),
    );
    expect(t.items.map((i) => i.call_id)).toEqual(["a", "b"]);
  });

  it("parallel_tool_calls is only sent together with tools (§12.2)", () => {
    expect(H.prepare("chat", { input: [H.userMsg("x")] as any, tools: [], parallel_tool_calls: true }).sent).not.toHaveProperty("parallel_tool_calls");
    expect(H.prepare("chat", { input: [H.userMsg("x")] as any, tools: [H.EXEC_TOOL] as any, parallel_tool_calls: false }).sent.parallel_tool_calls).toBe(false);
  });
});

describe("pitfall 2: parallel calls (Anthropic route)", () => {
  it("the real Codex parallel turn-2 request: one assistant turn with both tool_use, one user turn with both tool_result", () => {
    const { sent } = H.prepare("anthropic", codexRequestBody("parallel-turn2"));
    const last2 = sent.messages.slice(-2);
    expect(last2[0].role).toBe("assistant");
    expect(last2[0].content.map((b: any) => [b.type, b.id])).toEqual([
      ["tool_use", "call_p1"],
      ["tool_use", "call_p2"],
    ]);
    expect(last2[1].role).toBe("user");
    expect(last2[1].content.map((b: any) => [b.type, b.tool_use_id])).toEqual([
      ["tool_result", "call_p1"],
      ["tool_result", "call_p2"],
    ]);
    // roles alternate
    sent.messages.forEach((m: any, i: number) => i && expect(m.role).not.toBe(sent.messages[i - 1].role));
  });

  it("thinking + text + calls form one assistant turn with the thinking first; out-of-order results are put in call order", () => {
    const enc = encodeAnthropicThinking("claude-sonnet-4-5", [{ type: "thinking", thinking: "plan", signature: "sig1" }]);
    const input = [
      H.userMsg("two things"),
      { type: "reasoning", summary: [], encrypted_content: enc },
      H.assistantMsg("Running both."),
      H.fnCall("a", "exec_command", { cmd: "ls" }),
      H.fnCall("b", "exec_command", { cmd: "pwd" }),
      H.fnOut("b", "/tmp"),
      H.fnOut("a", "x.txt"),
    ];
    const { sent } = H.prepare("anthropic", { input: input as any, tools: [H.EXEC_TOOL] as any });
    expect(sent.messages[1].content.map((b: any) => b.type)).toEqual(["thinking", "text", "tool_use", "tool_use"]);
    expect(sent.messages[2].content.map((b: any) => b.tool_use_id).sort()).toEqual(["a", "b"]);
    expect(sent.messages).toHaveLength(3);
  });

  it("parallel_tool_calls:false → disable_parallel_tool_use (§12.1 #13)", () => {
    const { sent } = H.prepare("anthropic", { input: [H.userMsg("x")] as any, tools: [H.EXEC_TOOL] as any, tool_choice: "auto", parallel_tool_calls: false });
    expect(sent.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
  });

  it("a streamed answer with two tool_use blocks gives two function_call items", async () => {
    const t = await H.translate(
      "anthropic",
      { input: [H.userMsg("x")], tools: [H.EXEC_TOOL] } as any,
      H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "a", "exec_command", ['{"cmd":"ls"}']), ...H.anthropicToolBlock(1, "b", "exec_command", ['{"cmd":"pwd"}']), ...H.anthropicEnd("tool_use")]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.call_id)).toEqual(["a", "b"]);
  });
});
