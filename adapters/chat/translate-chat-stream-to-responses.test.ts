import { describe, expect, it } from "vitest";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { ChatStreamTranslator } from "./translate-chat-stream-to-responses.ts";
import { buildUpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { assertCodexStream } from "../../test/helpers/check-codex-stream.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";

const TOOLS = codexRequestBody("mcp-turn1").tools;
const PATCH = "*** Begin Patch\n*** Update File: out.txt\n@@\n-hello\n+hello world\n*** End Patch\n";

function run(chunks: unknown[], opts: { done?: boolean } = {}) {
  const w = new ResponsesEventWriter({ responseId: "resp_t", model: "m" });
  const t = new ChatStreamTranslator(w, buildUpstreamToolSet(TOOLS, []));
  w.start();
  for (const c of chunks) t.onEvent(typeof c === "string" ? c : JSON.stringify(c));
  if (opts.done !== false) t.onEvent("[DONE]");
  else t.onEnd();
  return assertCodexStream(w.take());
}
const delta = (d: object, finish: string | null = null) => ({ choices: [{ index: 0, delta: d, finish_reason: finish }] });
const call = (index: number, id: string | undefined, name: string | undefined, args: string | object | undefined) => delta({ tool_calls: [{ index, ...(id ? { id } : {}), function: { ...(name !== undefined ? { name } : {}), ...(args !== undefined ? { arguments: args } : {}) } }] });

describe("ChatStreamTranslator", () => {
  it.each([
    ["{input}", JSON.stringify({ input: PATCH })],
    ["{patch}", JSON.stringify({ patch: PATCH })],
    ["fenced", JSON.stringify({ input: "```diff\n" + PATCH + "```" })],
    ["heredoc", JSON.stringify({ input: "apply_patch <<'EOF'\n" + PATCH + "EOF" })],
    ["raw", PATCH],
  ])("apply_patch arrives as a custom_tool_call with the raw patch (%s)", (_n, args) => {
    const pieces = args.match(/[\s\S]{1,9}/g)!;
    const r = run([call(0, "call_p", "apply_patch", ""), ...pieces.map((p) => call(0, undefined, undefined, p)), delta({}, "tool_calls")]);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ type: "custom_tool_call", call_id: "call_p", name: "apply_patch" });
    expect(r.items[0].input.trimEnd()).toBe(PATCH.trimEnd());
    expect(r.events.some((e) => e.type === "response.custom_tool_call_input.done")).toBe(true);
  });

  it("keeps tool calls in the model's order: function, apply_patch, function → output_index 0, 1, 2", () => {
    const patchArgs = JSON.stringify({ input: PATCH });
    const r = run([
      delta({ content: "" }),
      call(0, "c1", "exec_command", '{"cmd":'),
      call(0, undefined, undefined, '"ls"}'),
      call(1, "c2", "apply_patch", patchArgs.slice(0, 10)),
      call(1, undefined, undefined, patchArgs.slice(10)),
      call(2, "c3", "exec_command", '{"cmd":"pwd"}'),
      delta({}, "tool_calls"),
    ]);
    expect(r.items.map((i) => [i.type, i.call_id])).toEqual([
      ["function_call", "c1"],
      ["custom_tool_call", "c2"],
      ["function_call", "c3"],
    ]);
    expect(r.items[1].input).toBe(PATCH);
    const added = r.events.filter((e) => e.type === "response.output_item.added");
    expect(added.map((e) => [e.output_index, e.item.call_id])).toEqual([
      [0, "c1"],
      [1, "c2"],
      [2, "c3"],
    ]);
    // Items are done (what Codex executes and records) in the same order.
    const done = r.events.filter((e) => e.type === "response.output_item.done");
    expect(done.map((e) => [e.output_index, e.item.call_id])).toEqual([
      [0, "c1"],
      [1, "c2"],
      [2, "c3"],
    ]);
    expect(r.terminal.response.output.map((o: any) => o.call_id)).toEqual(["c1", "c2", "c3"]);
  });

  it("a stream cut off after apply_patch started leaves the added call unfinished and fails", () => {
    const r = run([call(0, "c1", "apply_patch", '{"input":"*** Begin'), delta({})], { done: false });
    expect(r.terminal.type).toBe("response.failed");
    expect(r.events.filter((e) => e.type === "response.output_item.added").map((e) => e.item.type)).toEqual(["custom_tool_call"]);
    expect(r.events.some((e) => e.type === "response.output_item.done" || e.type === "response.custom_tool_call_input.done")).toBe(false);
  });

  it("a flattened MCP call goes back with its namespace", () => {
    const r = run([call(0, "call_m", "mcp__calc__add", '{"a":2,'), call(0, undefined, undefined, '"b":3}'), delta({}, "tool_calls")]);
    expect(r.items[0]).toMatchObject({ type: "function_call", namespace: "mcp__calc", name: "add", arguments: '{"a":2,"b":3}' });
  });

  it("a new id at the same index starts a new call; one-shot and deltas-only both work", () => {
    const r = run([
      call(0, "c1", "exec_command", '{"cmd":"echo one"}'),
      call(0, "c2", "exec_command", ""),
      call(0, undefined, undefined, '{"cmd":"echo two"}'),
      delta({}, "tool_calls"),
    ]);
    expect(r.items.map((i) => [i.call_id, i.arguments])).toEqual([
      ["c1", '{"cmd":"echo one"}'],
      ["c2", '{"cmd":"echo two"}'],
    ]);
  });

  it("arguments sent as an object (Ollama) become a JSON string", () => {
    const r = run([call(0, "c1", "exec_command", { cmd: "ls" }), delta({}, "tool_calls")]);
    expect(r.items[0].arguments).toBe('{"cmd":"ls"}');
  });

  it("splits a leading <think> block into reasoning at every chunk boundary", () => {
    const content = "<think>Let me think.\nOK.</think>\n\nThe answer is 4. <think>not reasoning</think>";
    for (let cut = 1; cut < content.length; cut++) {
      const r = run([delta({ content: content.slice(0, cut) }), delta({ content: content.slice(cut) }), delta({}, "stop")]);
      expect(r.reasoning).toBe("Let me think.\nOK.");
      expect(r.text).toBe("The answer is 4. <think>not reasoning</think>");
    }
  });

  it("leaves text that does not start with <think> alone", () => {
    const r = run([delta({ content: "  <thin" }), delta({ content: "king> is a word" }), delta({}, "stop")]);
    expect(r.reasoning).toBe("");
    expect(r.text).toBe("  <thinking> is a word");
  });

  it("reasoning_content then a tool call: reasoning item first, then the call", () => {
    const r = run([delta({ reasoning_content: "need ls" }), call(0, "c1", "exec_command", '{"cmd":"ls"}'), delta({}, "tool_calls")]);
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "function_call"]);
  });

  it("an empty answer fails (Codex retries) instead of completing with nothing", () => {
    const r = run([delta({ role: "assistant", content: "" }), delta({}, "stop")]);
    expect(r.terminal.type).toBe("response.failed");
    expect(r.terminal.response.error.code).toBe("server_error");
  });

  it("an error chunk mid-stream becomes response.failed", () => {
    const r = run([delta({ content: "par" }), { error: { message: "overloaded", code: 529 } }], { done: false });
    expect(r.terminal.type).toBe("response.failed");
  });
});

describe("hosted tool fallbacks", () => {
  it("a local_shell function call goes back to Codex as a local_shell_call item", () => {
    const w = new ResponsesEventWriter({ responseId: "resp_t", model: "m" });
    const notes: string[] = [];
    const set = buildUpstreamToolSet([{ type: "local_shell" }, { type: "web_search" }], notes);
    expect(set.functions.map((f) => f.name)).toEqual(["local_shell"]);
    expect(notes).toEqual(["hosted tool web_search not sent (the upstream cannot run it)"]);
    const t = new ChatStreamTranslator(w, set);
    w.start();
    t.onEvent(JSON.stringify(call(0, "call_ls", "local_shell", '{"command":["ls","-la"],')));
    t.onEvent(JSON.stringify(call(0, undefined, undefined, '"workdir":"/tmp"}')));
    t.onEvent(JSON.stringify(delta({}, "tool_calls")));
    t.onEvent("[DONE]");
    const r = assertCodexStream(w.take());
    expect(r.items).toEqual([{ type: "local_shell_call", id: expect.any(String), call_id: "call_ls", status: "completed", action: { type: "exec", command: ["ls", "-la"], working_directory: "/tmp", env: {} } }]);
  });
});

describe("remote compaction (v2) mode", () => {
  it("answers with exactly one compaction item carrying the summary", async () => {
    const { decodeCompactionSummary } = await import("../compaction/compaction-carrier.ts");
    const w = new ResponsesEventWriter({ responseId: "resp_t", model: "m" });
    const t = new ChatStreamTranslator(w, buildUpstreamToolSet([], []), { compactionFor: "m" });
    w.start();
    for (const c of [delta({ reasoning_content: "hmm" }), delta({ content: "<think>x</think>SUM" }), delta({ content: "MARY" }), delta({}, "stop")]) t.onEvent(JSON.stringify(c));
    t.onEvent("[DONE]");
    const r = assertCodexStream(w.take());
    expect(r.items).toHaveLength(1);
    expect(r.items[0].type).toBe("compaction");
    expect(decodeCompactionSummary(r.items[0].encrypted_content)).toEqual({ summary: "SUMMARY", model: "m" });
  });
});
