import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";

/**
 * Pitfall 1 (prior-art §4): tool-call arguments lost or fragmented while streaming. Accumulate by
 * index AND id, accept deltas-only / one-shot / both, always hand Codex a JSON *string*.
 */
const req = { input: [H.userMsg("run ls")], tools: [H.EXEC_TOOL, H.APPLY_PATCH_TOOL] } as any;

describe("pitfall 1: tool-call arguments (chat route)", () => {
  it("deltas-only: one call, arguments assembled from many pieces, at every byte cut", async () => {
    const args = '{"cmd":"ls -la /tmp && echo done"}';
    const pieces = args.match(/.{1,3}/g)!;
    const t = await H.translateAllCuts(
      "chat",
      req,
      H.chatSseBody([
        H.chatToolDelta([{ index: 0, id: "call_1", type: "function", function: { name: "exec_command", arguments: "" } }]),
        ...pieces.map((p) => H.chatToolDelta([{ index: 0, function: { arguments: p } }])),
        H.chatDelta({}, "tool_calls"),
      ]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items).toEqual([expect.objectContaining({ type: "function_call", call_id: "call_1", name: "exec_command", arguments: args })]);
    // streamed deltas for the UI, and the final string on .done
    expect(t.events.filter((e) => e.type === "response.function_call_arguments.delta").map((e) => e.delta).join("")).toBe(args);
    expect(t.events.find((e) => e.type === "response.function_call_arguments.done").arguments).toBe(args);
  });

  it("one-shot: id, name and the whole arguments in one chunk", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "c1", type: "function", function: { name: "exec_command", arguments: '{"cmd":"pwd"}' } }], "tool_calls")]));
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => [i.call_id, i.arguments])).toEqual([["c1", '{"cmd":"pwd"}']]);
  });

  it("both: deltas and then the whole arguments repeated in the last chunk give ONE copy (regression)", async () => {
    const t = await H.translate(
      "chat",
      req,
      H.chatSseBody([
        H.chatToolDelta([{ index: 0, id: "c1", type: "function", function: { name: "exec_command", arguments: "" } }]),
        H.chatToolDelta([{ index: 0, function: { arguments: '{"cmd":' } }]),
        H.chatToolDelta([{ index: 0, function: { arguments: '"ls"}' } }]),
        H.chatToolDelta([{ index: 0, id: "c1", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }], "tool_calls"),
      ]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => i.arguments)).toEqual(['{"cmd":"ls"}']);
  });

  it("a new id at the same index starts a new call (providers that put every call at index 0)", async () => {
    const t = await H.translate(
      "chat",
      req,
      H.chatSseBody([
        H.chatToolDelta([{ index: 0, id: "a", type: "function", function: { name: "exec_command", arguments: '{"cmd":"ls"}' } }]),
        H.chatToolDelta([{ index: 0, id: "b", type: "function", function: { name: "exec_command", arguments: '{"cmd":"pwd"}' } }]),
        H.chatDelta({}, "tool_calls"),
      ]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items.map((i) => [i.call_id, i.arguments])).toEqual([
      ["a", '{"cmd":"ls"}'],
      ["b", '{"cmd":"pwd"}'],
    ]);
  });

  it("the same id repeated on every chunk stays one call (no 40-calls-for-one split)", async () => {
    const t = await H.translate(
      "chat",
      req,
      H.chatSseBody([
        H.chatToolDelta([{ index: 0, id: "same", type: "function", function: { name: "exec_command", arguments: '{"cmd"' } }]),
        H.chatToolDelta([{ index: 0, id: "same", function: { arguments: ':"ls"' } }]),
        H.chatToolDelta([{ index: 0, id: "same", function: { arguments: "}" } }]),
        H.chatDelta({}, "tool_calls"),
      ]),
    );
    expect(t.items.map((i) => [i.call_id, i.arguments])).toEqual([["same", '{"cmd":"ls"}']]);
  });

  it("arguments sent as an object (Ollama) become a JSON string; never an object", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "exec_command", arguments: { cmd: "ls" } } }], "tool_calls")]));
    expect(t.errors).toEqual([]);
    expect(typeof t.items[0].arguments).toBe("string");
    expect(JSON.parse(t.items[0].arguments)).toEqual({ cmd: "ls" });
  });

  it("raw newlines inside an argument string are escaped into valid JSON (regression)", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "exec_command", arguments: '{"cmd": "echo a\necho\tb"}' } }], "tool_calls")]));
    expect(t.errors).toEqual([]);
    expect(JSON.parse(t.items[0].arguments)).toEqual({ cmd: "echo a\necho\tb" });
  });

  it("no arguments at all gives {} (Codex needs a JSON string)", async () => {
    const t = await H.translate("chat", req, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "exec_command" } }], "tool_calls")]));
    expect(t.items[0].arguments).toBe("{}");
  });
});

describe("pitfall 1: tool-call arguments (Anthropic route)", () => {
  it("input_json_delta pieces are assembled; the empty start input {} is not what Codex gets", async () => {
    const t = await H.translateAllCuts(
      "anthropic",
      req,
      H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_1", "exec_command", ["", '{"cm', 'd":"l', 's -la"}']), ...H.anthropicEnd("tool_use")]),
    );
    expect(t.errors).toEqual([]);
    expect(t.items).toEqual([expect.objectContaining({ type: "function_call", call_id: "toolu_1", arguments: '{"cmd":"ls -la"}' })]);
  });

  it("a whole input in content_block_start with no deltas (non-Anthropic models behind a bridge) is kept", async () => {
    const t = await H.translate("anthropic", req, H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_1", "exec_command", [], { cmd: "pwd" }), ...H.anthropicEnd("tool_use")]));
    expect(JSON.parse(t.items[0].arguments)).toEqual({ cmd: "pwd" });
  });

  it("start input AND the same input as deltas is not doubled", async () => {
    const t = await H.translate("anthropic", req, H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_1", "exec_command", ['{"cmd":"pwd"}'], { cmd: "pwd" }), ...H.anthropicEnd("tool_use")]));
    expect(t.items[0].arguments).toBe('{"cmd":"pwd"}');
  });

  it("a tool call with no input at all gives {}", async () => {
    const t = await H.translate("anthropic", req, H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_1", "exec_command", []), ...H.anthropicEnd("tool_use")]));
    expect(t.errors).toEqual([]);
    expect(t.items[0].arguments).toBe("{}");
  });

  it("a tool_use cut off by the end of the stream is never handed to Codex", async () => {
    const ev = [H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_1", "exec_command", ['{"cmd":"rm -rf /tm']).slice(0, -1)];
    const t = await H.translate("anthropic", req, H.anthropicSseBody(ev));
    expect(t.terminal.type).toBe("response.failed");
    expect(t.events.some((e) => e.type === "response.output_item.done" && e.item.type === "function_call")).toBe(false);
  });
});
