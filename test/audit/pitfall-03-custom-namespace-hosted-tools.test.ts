import { describe, expect, it } from "vitest";
import * as H from "./audit-harness.ts";
import { codexRequestBody } from "../helpers/shared-fixtures.ts";
import { VALID_NAME } from "../../adapters/tools/upstream-tool-set.ts";

/**
 * Pitfall 3: freeform/custom tools (apply_patch) and Codex-only tool types. apply_patch must come
 * back as a `custom_tool_call` with the raw patch (never a function_call, which Codex refuses as
 * "incompatible payload"), whatever wrapping the model used; namespaces are flattened to valid
 * names and un-flattened; hosted tools are translated or dropped with a note, never a 400.
 */
const turn1 = codexRequestBody("tool-loop-turn1");
const mcp = codexRequestBody("mcp-turn1");

const wrappings: [string, string][] = [
  ["{input}", JSON.stringify({ input: H.PATCH })],
  ["{patch}", JSON.stringify({ patch: H.PATCH })],
  ["raw patch text as the arguments", H.PATCH],
  ["fenced inside {input}", JSON.stringify({ input: "```diff\n" + H.PATCH + "\n```" })],
  ["heredoc", `apply_patch <<'EOF'\n${H.PATCH}\nEOF`],
  // regression: the JSON string holds raw newlines instead of \n escapes
  ["{input} with raw newlines", `{"input": "${H.PATCH}"}`],
];

describe("pitfall 3: apply_patch (custom tool), chat route", () => {
  it("the custom tool is exposed as a function with ONE string parameter, grammar in the description", () => {
    const { sent } = H.prepare("chat", turn1);
    const fn = sent.tools.find((t: any) => t.function.name === "apply_patch").function;
    expect(fn.parameters).toMatchObject({ type: "object", properties: { input: { type: "string" } }, required: ["input"] });
    expect(Object.keys(fn.parameters.properties)).toEqual(["input"]);
    expect(fn.description).toContain("begin_patch");
    for (const t of sent.tools) expect(t.function.name).toMatch(VALID_NAME);
    // the hosted web_search in the real tool list is not sent (strict providers 400 on it)
    expect(sent.tools.some((t: any) => t.type !== "function")).toBe(false);
  });

  it.each(wrappings)("model call wrapped as %s → custom_tool_call with the raw patch", async (_n, args) => {
    const t = await H.translate("chat", turn1, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "call_p", type: "function", function: { name: "apply_patch", arguments: args } }], "tool_calls")]));
    expect(t.errors).toEqual([]);
    expect(t.items).toEqual([expect.objectContaining({ type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: H.PATCH })]);
    expect(t.events.some((e) => e.type === "response.function_call_arguments.delta")).toBe(false);
  });

  it("replays the real tool-loop turn-3 history: custom_tool_call → a call of the exposed function with {input: raw}", () => {
    const { sent } = H.prepare("chat", codexRequestBody("tool-loop-turn3"));
    const patchCall = sent.messages.flatMap((m: any) => m.tool_calls ?? []).find((c: any) => c.function.name === "apply_patch");
    expect(patchCall.id).toBe("call_patch_1");
    expect(JSON.parse(patchCall.function.arguments).input).toMatch(/^\*\*\* Begin Patch\n\*\*\* Update File: out.txt/);
    const out = sent.messages.find((m: any) => m.role === "tool" && m.tool_call_id === "call_patch_1");
    expect(out.content).toContain("Success. Updated the following files");
  });

  it("an apply_patch declared as a FUNCTION (older Codex builds) stays a function_call", async () => {
    const fnPatch = { type: "function", name: "apply_patch", description: "FREEFORM patch", parameters: { type: "object", properties: { input: { type: "string" } } } };
    const t = await H.translate("chat", { input: [H.userMsg("edit")], tools: [fnPatch] } as any, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "c", type: "function", function: { name: "apply_patch", arguments: JSON.stringify({ input: H.PATCH }) } }], "tool_calls")]));
    expect(t.items[0]).toMatchObject({ type: "function_call", name: "apply_patch" });
  });
});

describe("pitfall 3: namespaces (MCP servers, sub-agents), chat route", () => {
  it("flattens to valid distinct names and maps the call back to {namespace, name}", async () => {
    const { sent } = H.prepare("chat", mcp);
    const names = sent.tools.map((t: any) => t.function.name);
    expect(names).toContain("mcp__calc__add");
    expect(new Set(names).size).toBe(names.length);
    const t = await H.translate("chat", mcp, H.chatSseBody([H.chatToolDelta([{ index: 0, id: "call_mcp", type: "function", function: { name: "mcp__calc__add", arguments: '{"a":2,"b":3}' } }], "tool_calls")]));
    expect(t.errors).toEqual([]);
    expect(t.items[0]).toMatchObject({ type: "function_call", namespace: "mcp__calc", name: "add", arguments: '{"a":2,"b":3}' });
  });

  it("replays namespaced history under the flattened name", () => {
    const { sent } = H.prepare("chat", codexRequestBody("mcp-turn2"));
    expect(sent.messages.flatMap((m: any) => m.tool_calls ?? []).map((c: any) => c.function.name)).toContain("mcp__calc__add");
  });
});

describe("pitfall 3: hosted tools", () => {
  it("web_search/image_generation are dropped with a note, never sent, never a failure", () => {
    for (const kind of ["chat", "anthropic"] as const) {
      const p = H.prepare(kind, { input: [H.userMsg("x")] as any, tools: [H.EXEC_TOOL, { type: "web_search", external_web_access: false }, { type: "image_generation" }] as any });
      expect(p.notes).toEqual(expect.arrayContaining([expect.stringContaining("web_search"), expect.stringContaining("image_generation")]));
      expect(JSON.stringify(p.sent.tools)).not.toContain("web_search");
    }
  });

  it.each(["chat", "anthropic"] as const)("%s: a call of the local_shell fallback goes back to Codex as a local_shell_call (Anthropic: regression)", async (kind) => {
    const req = { input: [H.userMsg("ls")], tools: [{ type: "local_shell" }] } as any;
    const body =
      kind === "chat"
        ? H.chatSseBody([H.chatToolDelta([{ index: 0, id: "call_ls", type: "function", function: { name: "local_shell", arguments: '{"command":["ls","-la"]}' } }], "tool_calls")])
        : H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "call_ls", "local_shell", ['{"command":["ls","-la"]}']), ...H.anthropicEnd("tool_use")]);
    const t = await H.translate(kind, req, body);
    expect(t.errors).toEqual([]);
    expect(t.items).toEqual([expect.objectContaining({ type: "local_shell_call", call_id: "call_ls", action: { type: "exec", command: ["ls", "-la"], env: {} } })]);
  });
});

describe("pitfall 3: Anthropic route", () => {
  it.each(wrappings)("tool_use of apply_patch wrapped as %s → custom_tool_call with the raw patch", async (_n, args) => {
    const t = await H.translate("anthropic", turn1, H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_p", "apply_patch", [args]), ...H.anthropicEnd("tool_use")]));
    // a raw (non-JSON) input string can only come from a non-Anthropic model behind a bridge; it must still work
    expect(t.errors).toEqual([]);
    expect(t.items).toEqual([expect.objectContaining({ type: "custom_tool_call", name: "apply_patch", input: H.PATCH })]);
  });

  it("replays custom_tool_call as tool_use {input: raw} and its output as a tool_result", () => {
    const { sent } = H.prepare("anthropic", codexRequestBody("tool-loop-turn3"));
    const uses = sent.messages.flatMap((m: any) => m.content).filter((b: any) => b.type === "tool_use");
    const patch = uses.find((b: any) => b.name === "apply_patch");
    expect(patch.input.input).toMatch(/^\*\*\* Begin Patch/);
    const result = sent.messages.flatMap((m: any) => m.content).find((b: any) => b.type === "tool_result" && b.tool_use_id === patch.id);
    expect(JSON.stringify(result.content)).toContain("Success.");
  });

  it("MCP namespace tool_use maps back to {namespace, name}", async () => {
    const t = await H.translate("anthropic", mcp, H.anthropicSseBody([H.anthropicMessageStart(), ...H.anthropicToolBlock(0, "toolu_m", "mcp__calc__add", ['{"a":2,"b":3}']), ...H.anthropicEnd("tool_use")]));
    expect(t.items[0]).toMatchObject({ type: "function_call", namespace: "mcp__calc", name: "add" });
  });

  it("hosted-tool history items are replayed, not dropped (§12.2)", () => {
    const input = [
      H.userMsg("x"),
      { type: "local_shell_call", call_id: "ls1", status: "completed", action: { type: "exec", command: ["ls"], working_directory: "/tmp" } },
      { type: "local_shell_call_output", call_id: "ls1", output: "a.txt" },
      { type: "web_search_call", id: "ws1", status: "completed", action: { type: "search", query: "codex shim" } },
      H.userMsg("next"),
    ];
    for (const kind of ["chat", "anthropic"] as const) {
      const p = H.prepare(kind, { input: input as any, tools: [{ type: "local_shell" }] as any });
      const text = JSON.stringify(p.sent.messages);
      expect(text).toContain("a.txt");
      expect(text).toContain("codex shim");
      expect(p.notes.filter((n) => n.startsWith("dropped input item"))).toEqual([]);
    }
  });
});
