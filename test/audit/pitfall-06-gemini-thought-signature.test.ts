import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";

/**
 * Pitfall 6: Gemini `thought_signature` ("Function call is missing a thought_signature in
 * functionCall parts"). Google's OpenAI endpoint puts it on `tool_calls[].extra_content.google`;
 * it must come back on the same call next turn. Codex keeps only reasoning `encrypted_content`, so
 * the shim carries it there (tagged with the model). History without one gets Google's documented
 * `skip_thought_signature_validator` sentinel on the first call of each step.
 */
const gemini = H.auditModel("chat", { model: "gemini-3-pro-preview", baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai" });
const tools = [H.EXEC_TOOL];
const sigCall = (index: number, id: string, cmd: string, sig?: string) =>
  H.chatToolDelta([{ index, id, type: "function", function: { name: "exec_command", arguments: JSON.stringify({ cmd }) }, ...(sig ? { extra_content: { google: { thought_signature: sig } } } : {}) }]);

describe("pitfall 6: Gemini thought signatures (chat route)", () => {
  it("a signed call: the signature rides to Codex in a reasoning item before the call and goes back on that call", async () => {
    const t = await H.translateAllCuts("chat", { input: [H.userMsg("ls")], tools } as any, H.chatSseBody([sigCall(0, "function-call-1", "ls", "CiQB/sig+1=="), H.chatDelta({}, "tool_calls")]), { model: gemini });
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.type)).toEqual(["reasoning", "function_call"]);
    expect(t.items[0].summary).toEqual([]);
    const { sent } = H.prepare("chat", { input: [H.userMsg("ls"), ...t.items, H.fnOut("function-call-1", "a.txt")] as any, tools } as any, gemini);
    const assistant = sent.messages.find((m: any) => m.tool_calls);
    expect(assistant.tool_calls[0].extra_content).toEqual({ google: { thought_signature: "CiQB/sig+1==" } });
    expect(assistant).not.toHaveProperty("reasoning_content");
  });

  it("parallel calls (signature on the first only) stay one assistant message; reasoning text is kept as well", async () => {
    const t = await H.translate(
      "chat",
      { input: [H.userMsg("two")], tools } as any,
      H.chatSseBody([H.chatDelta({ reasoning_content: "both at once" }), sigCall(0, "c1", "ls", "SIG1"), sigCall(1, "c2", "pwd"), H.chatDelta({}, "tool_calls")]),
      { model: gemini },
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.type)).toEqual(["reasoning", "function_call", "function_call"]);
    const { sent } = H.prepare("chat", { input: [H.userMsg("two"), ...t.items, H.fnOut("c1", "a"), H.fnOut("c2", "b")] as any, tools } as any, gemini);
    const a = sent.messages.filter((m: any) => m.role === "assistant");
    expect(a).toHaveLength(1);
    expect(a[0].tool_calls.map((c: any) => c.extra_content?.google?.thought_signature)).toEqual(["SIG1", undefined]);
    expect(a[0].reasoning_content).toBe("both at once");
  });

  it("a signature on a later call of the same answer is carried too, without splitting the calls", async () => {
    const t = await H.translate("chat", { input: [H.userMsg("two")], tools } as any, H.chatSseBody([sigCall(0, "c1", "ls", "S1"), sigCall(1, "c2", "pwd", "S2"), H.chatDelta({}, "tool_calls")]), { model: gemini });
    expect(t.errors).toEqual([]);
    const { sent } = H.prepare("chat", { input: [H.userMsg("two"), ...t.items, H.fnOut("c1", "a"), H.fnOut("c2", "b")] as any, tools } as any, gemini);
    const a = sent.messages.filter((m: any) => m.role === "assistant");
    expect(a).toHaveLength(1);
    expect(a[0].tool_calls.map((c: any) => c.extra_content.google.thought_signature)).toEqual(["S1", "S2"]);
    expect(sent.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "tool", "tool"]);
  });

  it("history without a signature (another model, compaction) gets the sentinel on Google's endpoint only", () => {
    const input = [H.userMsg("ls"), H.fnCall("c1", "exec_command", { cmd: "ls" }), H.fnCall("c2", "exec_command", { cmd: "pwd" }), H.fnOut("c1", "a"), H.fnOut("c2", "b")];
    const { sent } = H.prepare("chat", { input: input as any, tools } as any, gemini);
    expect(sent.messages[1].tool_calls.map((c: any) => c.extra_content?.google?.thought_signature)).toEqual(["skip_thought_signature_validator", undefined]);
    // other providers never see the Google-only field
    const other = H.prepare("chat", { input: input as any, tools } as any).sent;
    expect(JSON.stringify(other)).not.toContain("extra_content");
  });

  it("a signature from another model is not replayed (sentinel instead)", async () => {
    const t = await H.translate("chat", { input: [H.userMsg("ls")], tools } as any, H.chatSseBody([sigCall(0, "c1", "ls", "OLD"), H.chatDelta({}, "tool_calls")]), {
      model: { ...gemini, model: "gemini-2.5-pro" },
    });
    const { sent } = H.prepare("chat", { input: [H.userMsg("ls"), ...t.items, H.fnOut("c1", "a")] as any, tools } as any, gemini);
    expect(sent.messages[1].tool_calls[0].extra_content.google.thought_signature).toBe("skip_thought_signature_validator");
  });
});

describe("pitfall 6: signature repeated on every chunk of one call", () => {
  it("is carried once (one reasoning item), also for apply_patch", async () => {
    const patchCall = (args: string) =>
      H.chatToolDelta([{ index: 0, id: "c1", type: "function", function: { name: "apply_patch", arguments: args }, extra_content: { google: { thought_signature: "SIG" } } }]);
    const t = await H.translate("chat", { input: [H.userMsg("edit")], tools: [H.APPLY_PATCH_TOOL] } as any, H.chatSseBody([patchCall('{"input":'), patchCall(JSON.stringify(H.PATCH) + "}"), H.chatDelta({}, "tool_calls")]), { model: gemini });
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.type)).toEqual(["reasoning", "custom_tool_call"]);
    expect(t.items[1].input).toBe(H.PATCH);
    const { sent } = H.prepare("chat", { input: [H.userMsg("edit"), ...t.items, { type: "custom_tool_call_output", call_id: "c1", output: "ok" }] as any, tools: [H.APPLY_PATCH_TOOL] } as any, gemini);
    expect(sent.messages[1].tool_calls[0].extra_content.google.thought_signature).toBe("SIG");
  });
});
