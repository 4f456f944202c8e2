import { describe, expect, it } from "vitest";
import type { ModelConfig } from "../settings/settings-types.ts";
import { DEFAULT_TIMEOUTS } from "../settings/settings-types.ts";
import type { ResponsesRequest } from "../responses/responses-types.ts";
import { convertResponsesRequestToAnthropic } from "./convert-responses-request-to-anthropic.ts";
import { encodeAnthropicThinking } from "./anthropic-thinking-carrier.ts";
import { encodeChatReasoning } from "../chat/chat-reasoning-carrier.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";

function model(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    slug: "claude",
    model: "claude-sonnet-4-5",
    provider: "anthropic",
    baseUrl: "http://127.0.0.1:9/v1",
    displayName: "Claude",
    noImageSupport: false,
    extraHeaders: {},
    index: 0,
    timeouts: DEFAULT_TIMEOUTS,
    ...over,
  };
}

const convert = (req: Partial<ResponsesRequest>, m = model()) => {
  const notes: string[] = [];
  const { body } = convertResponsesRequestToAnthropic({ model: "claude", ...req } as ResponsesRequest, m, notes);
  return { body, notes };
};

const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

describe("convertResponsesRequestToAnthropic", () => {
  it("converts a real Codex first turn: developer messages → system blocks, tools with input_schema, defaults", () => {
    const { body, notes } = convert(codexRequestBody("tool-loop-turn1"));
    expect(body.model).toBe("claude-sonnet-4-5");
    expect(body.stream).toBe(true);
    expect(body.max_tokens).toBe(32000);
    expect(body.system!.length).toBe(3); // base instructions + skills + permissions parts
    expect(body.system!.every((b) => b.type === "text" && b.text.length > 0)).toBe(true);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].role).toBe("user");
    expect(body.messages[0].content.map((b) => b.type)).toEqual(["text", "text"]);
    const names = body.tools!.map((t) => t.name);
    expect(names).toContain("exec_command");
    expect(names).toContain("apply_patch");
    expect(names).toContain("multi_agent_v1__spawn_agent");
    for (const t of body.tools!) expect(t.input_schema.type).toBe("object");
    const patch = body.tools!.find((t) => t.name === "apply_patch")!;
    expect(patch.input_schema).toMatchObject({ properties: { input: { type: "string" } }, required: ["input"] });
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 8192 });
    expect(notes.some((n) => n.includes("web_search"))).toBe(true);
    for (const k of ["store", "include", "prompt_cache_key", "reasoning", "parallel_tool_calls", "input", "instructions"]) expect(body).not.toHaveProperty(k);
    // no caching for a non-Anthropic host unless asked
    expect(JSON.stringify(body)).not.toContain("cache_control");
  });

  it("puts a tool loop into alternating turns: tool_use in one assistant turn, results in the next user turn", () => {
    const { body } = convert(codexRequestBody("parallel-turn2"));
    const roles = body.messages.map((m) => m.role);
    expect(roles).toEqual(["user", "assistant", "user"]);
    const [a, u] = [body.messages[1], body.messages[2]];
    expect(a.content.map((b) => b.type)).toEqual(["tool_use", "tool_use"]);
    expect(u.content.map((b) => b.type)).toEqual(["tool_result", "tool_result"]);
    expect(u.content.map((b: any) => b.tool_use_id)).toEqual(a.content.map((b: any) => b.id));
    expect((a.content[0] as any).input).toEqual(JSON.parse(codexRequestBody("parallel-turn2").input[4].arguments));
  });

  it("replays apply_patch as tool_use {input} and namespaced MCP calls by their flattened name", () => {
    const t3 = convert(codexRequestBody("tool-loop-turn3")).body;
    const patchUse = t3.messages.flatMap((m) => m.content as any[]).find((b: any) => b.type === "tool_use" && b.name === "apply_patch") as any;
    expect(patchUse.input.input).toContain("*** Begin Patch");
    const mcp = convert(codexRequestBody("mcp-turn2")).body;
    const use = mcp.messages.flatMap((m) => m.content as any[]).find((b: any) => b.type === "tool_use") as any;
    expect(use.name).toBe("mcp__calc__add");
    expect(mcp.tools!.map((t) => t.name)).toContain("mcp__calc__add");
  });

  it("turns images into base64 / URL image blocks, also inside tool results", () => {
    const img = convert(codexRequestBody("image")).body;
    const block = img.messages.at(-1)!.content.find((b) => b.type === "image") as any;
    expect(block.source.type).toBe("base64");
    expect(block.source.media_type).toBe("image/png");
    expect(block.source.data.length).toBeGreaterThan(10);
    const view = convert(codexRequestBody("view-image-turn2")).body;
    const result = view.messages.at(-1)!.content[0] as any;
    expect(result.type).toBe("tool_result");
    expect(result.content.some((b: any) => b.type === "image" && b.source.type === "base64")).toBe(true);
    const url = convert({ input: [{ type: "message", role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png" }] }] }).body;
    expect(url.messages[0].content[0]).toEqual({ type: "image", source: { type: "url", url: "https://example.com/a.png" } });
    const noVision = convert(codexRequestBody("image"), model({ noImageSupport: true })).body;
    expect(JSON.stringify(noVision.messages)).not.toContain('"image"');
  });

  it("replays thinking blocks byte-exact before the matching tool_use, and keeps thinking on", () => {
    const blocks = [
      { type: "thinking" as const, thinking: "Let me look ✓ \"quoted\"", signature: "SIG/+==" },
      { type: "redacted_thinking" as const, data: "REDACTED" },
    ];
    const req = {
      reasoning: { effort: "high" as const },
      input: [
        user("list files"),
        { type: "reasoning", summary: [{ type: "summary_text", text: "Let me look" }], encrypted_content: encodeAnthropicThinking("claude-sonnet-4-5", blocks) },
        { type: "function_call", call_id: "toolu_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
        { type: "function_call_output", call_id: "toolu_1", output: "a.txt" },
      ],
    };
    const { body } = convert(req);
    expect(body.messages[1]).toEqual({ role: "assistant", content: [...blocks, { type: "tool_use", id: "toolu_1", name: "exec_command", input: { cmd: "ls" } }] });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 16384 });
  });

  it("drops thinking from another model or route (keeping text) and then turns thinking off for that tool loop", () => {
    const req = {
      reasoning: { effort: "medium" as const },
      input: [
        user("go"),
        { type: "reasoning", summary: [], encrypted_content: encodeAnthropicThinking("claude-opus-4-1", [{ type: "thinking", thinking: "x", signature: "foreign" }]) },
        { type: "reasoning", summary: [], encrypted_content: encodeChatReasoning("deepseek", "y") },
        { type: "reasoning", summary: [], encrypted_content: "gAAAAA-openai" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "I'll check." }] },
        { type: "function_call", call_id: "c1", name: "exec_command", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "ok" },
      ],
    };
    const { body, notes } = convert(req);
    expect(JSON.stringify(body)).not.toContain("foreign");
    expect(body.messages[1].content).toEqual([{ type: "text", text: "I'll check." }, { type: "tool_use", id: "c1", name: "exec_command", input: {} }]);
    expect(body.thinking).toBeUndefined();
    expect(notes.join("\n")).toMatch(/3 reasoning item\(s\) from another model/);
    expect(notes.join("\n")).toMatch(/thinking off/);
  });

  it("maps tool_choice and parallel_tool_calls", () => {
    const tools = [{ type: "function", name: "f", parameters: { type: "object", properties: {} } }];
    expect(convert({ tools, input: "x", tool_choice: "required" }).body.tool_choice).toEqual({ type: "any" });
    expect(convert({ tools, input: "x", tool_choice: "none" }).body.tool_choice).toEqual({ type: "none" });
    expect(convert({ tools, input: "x", tool_choice: { type: "function", name: "f" } }).body.tool_choice).toEqual({ type: "tool", name: "f" });
    expect(convert({ tools, input: "x", parallel_tool_calls: false }).body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(convert({ tools, input: "x", tool_choice: "auto", parallel_tool_calls: false }).body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(convert({ input: "x", tool_choice: "auto" }).body).not.toHaveProperty("tool_choice");
    // a forced tool and thinking cannot go together: thinking is dropped
    const forced = convert({ tools, input: "x", tool_choice: "required", reasoning: { effort: "high" } });
    expect(forced.body.thinking).toBeUndefined();
  });

  it("chooses max_tokens and the thinking form per model and settings", () => {
    expect(convert({ input: "x", max_output_tokens: 5000, reasoning: { effort: "xhigh" } }).body).toMatchObject({ max_tokens: 5000, thinking: { type: "enabled", budget_tokens: 3750 } });
    expect(convert({ input: "x" }, model({ maxOutputTokens: 1234 })).body.max_tokens).toBe(1234);
    expect(convert({ input: "x" }, model({ model: "claude-3-5-haiku-20241022" })).body.max_tokens).toBe(8192);
    expect(convert({ input: "x", reasoning: { effort: "high" } }, model({ model: "claude-3-5-haiku-20241022" })).body.thinking).toBeUndefined();
    expect(convert({ input: "x", reasoning: { effort: "high" } }, model({ model: "claude-opus-4-7" })).body).toMatchObject({ thinking: { type: "adaptive" }, output_config: { effort: "high" } });
    expect(convert({ input: "x", reasoning: { effort: "high" } }, model({ reasoning: false })).body.thinking).toBeUndefined();
    expect(convert({ input: "x", reasoning: { effort: "none" } }).body.thinking).toBeUndefined();
    // temperature only without thinking
    expect(convert({ input: "x", temperature: 0.2 }).body.temperature).toBe(0.2);
    expect(convert({ input: "x", temperature: 0.2, reasoning: { effort: "low" } }).body.temperature).toBeUndefined();
  });

  it("repairs history: missing tool results, orphan results, trailing assistant turn, empty input", () => {
    const { body } = convert({
      input: [
        user("a"),
        { type: "function_call", call_id: "c1", name: "exec_command", arguments: "not json" },
        user("never mind"),
        { type: "function_call_output", call_id: "ghost", output: "late" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "partial" }] },
      ],
    });
    expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(body.messages[1].content[0]).toMatchObject({ type: "tool_use", input: { _raw: "not json" } });
    const u = body.messages[2].content;
    expect(u[0]).toMatchObject({ type: "tool_result", tool_use_id: "c1", is_error: true });
    expect(u.slice(1)).toEqual([
      { type: "text", text: "never mind" },
      { type: "text", text: "Output of tool call ghost:\nlate" },
    ]);
    expect(body.messages.at(-1)!.content).toEqual([{ type: "text", text: "Continue." }]);
    expect(convert({ input: [] }).body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "(no input)" }] }]);
  });

  it("drops empty and whitespace-only text blocks the API would reject", () => {
    const { body } = convert({
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "  \n" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: " " }, { type: "input_text", text: "real" }] },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "\n\n" }] },
        { type: "message", role: "user", content: "\t" },
      ],
    });
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "real" }] }]);
  });

  it("asks for JSON matching --output-schema in the system prompt", () => {
    const req = codexRequestBody("output-schema");
    const { body, notes } = convert(req);
    expect(body.system!.at(-1)!.text).toContain(JSON.stringify(req.text.format.schema));
    expect(notes).toContain("json_schema output format sent as a system instruction");
    expect(body).not.toHaveProperty("text");
  });

  it("asks for the summary on compaction_trigger (no tools) and replays the shim's compaction summary as user text", () => {
    const trigger = convertResponsesRequestToAnthropic({ ...codexRequestBody("compact-remote-v2"), model: "claude" }, model(), []);
    expect(trigger.remoteCompaction).toBe(true);
    expect(trigger.body.tools).toBeUndefined();
    expect(trigger.body.tool_choice).toBeUndefined();
    expect(trigger.body.messages.at(-1)!.content.at(-1)).toEqual({ type: "text", text: COMPACTION_PROMPT });
    const after = convert({ input: [{ type: "compaction", encrypted_content: encodeCompactionSummary("did X, next Y", "claude") }, user("continue")] }).body;
    expect(after.messages).toHaveLength(1);
    expect((after.messages[0].content[0] as any).text).toContain("did X, next Y");
    const foreign = convert({ input: [{ type: "compaction", encrypted_content: "opaque-openai" }, user("go")] });
    expect(foreign.body.messages[0].content).toEqual([{ type: "text", text: "go" }]);
    expect(foreign.notes.join()).toMatch(/foreign compaction/);
  });

  it("sanitizes tool ids the same way in tool_use and tool_result", () => {
    const { body } = convert({
      input: [user("x"), { type: "function_call", call_id: "call:1/2", name: "f", arguments: "{}" }, { type: "function_call_output", call_id: "call:1/2", output: "" }],
    });
    expect((body.messages[1].content[0] as any).id).toBe("call_1_2");
    expect(body.messages[2].content[0]).toEqual({ type: "tool_result", tool_use_id: "call_1_2", content: "(no output)" });
  });

  it("adds cache breakpoints by default for api.anthropic.com, and when prompt_caching is true", () => {
    const on = convert(codexRequestBody("tool-loop-turn2"), model({ baseUrl: "https://api.anthropic.com" })).body;
    expect(JSON.stringify(on).match(/cache_control/g)!.length).toBe(4);
    const forced = convert(codexRequestBody("tool-loop-turn2"), model({ promptCaching: true })).body;
    expect(JSON.stringify(forced).match(/cache_control/g)!.length).toBe(4);
    const off = convert(codexRequestBody("tool-loop-turn2"), model({ baseUrl: "https://api.anthropic.com", promptCaching: false })).body;
    expect(JSON.stringify(off)).not.toContain("cache_control");
  });
});
