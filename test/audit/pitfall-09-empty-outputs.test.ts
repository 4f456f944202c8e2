import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";

/**
 * Pitfall 9: empty outputs. `response.completed.output` is built from the streamed items (never a
 * stub); an upstream answer with no text and no tool call — nothing, or reasoning alone — fails
 * loudly so Codex retries, instead of ending the turn with "no last agent message".
 */
const req = { input: [H.userMsg("hi")], tools: [H.EXEC_TOOL] } as any;

describe("pitfall 9: empty outputs", () => {
  it.each([
    ["chat: nothing at all", "chat", H.chatSseBody([H.chatDelta({ role: "assistant", content: "" }), H.chatDelta({}, "stop")])],
    ["chat: reasoning only (regression)", "chat", H.chatSseBody([H.chatDelta({ reasoning_content: "hmm" }), H.chatDelta({ content: "" }, "stop")])],
    ["chat: <think> only (regression)", "chat", H.chatSseBody([H.chatDelta({ content: "<think>hmm</think>\n\n" }), H.chatDelta({}, "stop")])],
    ["anthropic: no content blocks (regression)", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicEnd("end_turn")])],
    ["anthropic: thinking only (regression)", "anthropic", H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicThinkingBlock(0, "hmm", "sig"), ...H.anthropicEnd("end_turn")])],
  ] as const)("%s → response.failed server_error (Codex retries)", async (_n, kind, body) => {
    const t = await H.translate(kind, req, body);
    expect(t.errors).toEqual([]);
    expect(t.terminal.type).toBe("response.failed");
    expect(t.terminal.response.error).toMatchObject({ code: "server_error", message: expect.stringMatching(/empty response/) });
  });

  it.each([
    ["chat", H.chatSseBody([H.chatDelta({ reasoning_content: "r" }), H.chatDelta({ content: "Hello " }), H.chatDelta({ content: "there" }), H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "exec_command", arguments: "{}" } }], "tool_calls")])],
    [
      "anthropic",
      H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicThinkingBlock(0, "r", "s"), ...H.anthropicTextBlock(1, "Hello there"), ...H.anthropicToolBlock(2, "c", "exec_command", ["{}"]), ...H.anthropicEnd("tool_use")]),
    ],
  ] as const)("%s: completed.output lists every done item with its final content, in order", async (kind, body) => {
    const t = await H.translate(kind, req, body);
    expect(t.errors).toEqual([]); // includes: terminal output ids == done items
    const out = t.terminal.response.output;
    expect(out.map((i: any) => i.type)).toEqual(["reasoning", "message", "function_call"]);
    expect(out[1]).toMatchObject({ role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hello there" }] });
    expect(out[2]).toMatchObject({ status: "completed", arguments: "{}" });
  });

  it("text after a tool call and reasoning after text open new items, never write into closed ones (§12.2)", async () => {
    const t = await H.translate(
      "chat",
      req,
      H.chatSseBody([H.chatDelta({ content: "first" }), H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "exec_command", arguments: "{}" } }]), H.chatDelta({ content: "after" }), H.chatDelta({}, "tool_calls")]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.type)).toEqual(["message", "function_call", "message"]);
  });

  it("a non-streaming client gets the same output in the Responses object", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatDelta({ content: "x" }, "stop")]));
    const obj = t.writer.responseObject();
    expect(obj.output).toEqual(t.terminal.response.output);
    expect(obj.status).toBe("completed");
  });
});
