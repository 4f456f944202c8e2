import { describe, expect, it } from "vitest";
import { convertResponsesRequestToChat } from "./convert-responses-request-to-chat.ts";
import { encodeChatReasoning } from "./chat-reasoning-carrier.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import { DEFAULT_TIMEOUTS } from "../settings/settings-types.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";

const model = (over: Partial<ModelConfig> = {}): ModelConfig => ({
  slug: "m",
  model: "up-model",
  provider: "openai",
  baseUrl: "http://127.0.0.1:1/v1",
  displayName: "M",
  noImageSupport: false,
  extraHeaders: {},
  index: 0,
  timeouts: DEFAULT_TIMEOUTS,
  ...over,
});

const convert = (body: any, m = model()) => {
  const notes: string[] = [];
  const r = convertResponsesRequestToChat(body, m, notes);
  return { ...r, notes };
};

describe("Responses → chat request (recorded Codex 0.169 requests)", () => {
  it("tool loop: apply_patch history replays as a call of the exposed function with the raw input", () => {
    const { body, notes } = convert(codexRequestBody("tool-loop-turn3"));
    const roles = body.messages.map((m) => m.role);
    expect(roles).toEqual(["system", "user", "assistant", "tool", "assistant", "tool"]);
    const [a1, t1, a2, t2] = body.messages.slice(2) as any[];
    expect(a1.tool_calls).toEqual([{ id: "call_shell_1", type: "function", function: { name: "exec_command", arguments: '{"cmd":"echo hello > out.txt && cat out.txt"}' } }]);
    expect(t1).toMatchObject({ role: "tool", tool_call_id: "call_shell_1" });
    expect(a2.tool_calls[0].function.name).toBe("apply_patch");
    expect(JSON.parse(a2.tool_calls[0].function.arguments).input).toMatch(/^\*\*\* Begin Patch\n\*\*\* Update File: out.txt/);
    expect(t2).toMatchObject({ role: "tool", tool_call_id: "call_patch_1" });
    expect(t2.content).toContain("Success");
    // OpenAI's own encrypted reasoning is not ours to replay
    expect(a1).not.toHaveProperty("reasoning_content");
    expect(notes).toContain("reasoning from another model not replayed");
    // apply_patch is exposed as a function with one string parameter; web_search is dropped and noted
    const patchTool = body.tools!.find((t) => t.function.name === "apply_patch")!;
    expect(patchTool.function.parameters).toMatchObject({ properties: { input: { type: "string" } }, required: ["input"] });
    expect(notes.some((n) => n.includes("web_search"))).toBe(true);
    expect(body.parallel_tool_calls).toBe(true);
  });

  it("parallel calls: one assistant message with two tool_calls, then two tool messages", () => {
    const { body } = convert(codexRequestBody("parallel-turn2"));
    const tail = body.messages.slice(-3) as any[];
    expect(tail[0].role).toBe("assistant");
    expect(tail[0].tool_calls.map((c: any) => c.id)).toEqual(["call_p1", "call_p2"]);
    expect(tail.slice(1).map((m) => [m.role, m.tool_call_id])).toEqual([
      ["tool", "call_p1"],
      ["tool", "call_p2"],
    ]);
  });

  it("puts tool messages in call order and answers calls without output", () => {
    const input = [
      { type: "message", role: "user", content: "go" },
      { type: "function_call", call_id: "a", name: "f", arguments: "{}" },
      { type: "function_call", call_id: "b", name: "f", arguments: "{}" },
      { type: "function_call", call_id: "c", name: "f", arguments: "{}" },
      { type: "function_call_output", call_id: "b", output: "B" },
      { type: "function_call_output", call_id: "a", output: "A" },
      { type: "function_call_output", call_id: "zz", output: "orphan" },
    ];
    const { body } = convert({ model: "m", input, tools: [{ type: "function", name: "f", parameters: { type: "object" } }] });
    expect(body.messages.map((m: any) => m.tool_call_id ?? m.role)).toEqual(["user", "assistant", "a", "b", "c", "user"]);
    expect((body.messages[4] as any).content).toMatch(/no output/);
    expect((body.messages[5] as any).content).toMatch(/zz[\s\S]*orphan/);
  });

  it("MCP: namespaced history replays under the flattened upstream name", () => {
    const { body } = convert(codexRequestBody("mcp-turn2"));
    const names = body.tools!.map((t) => t.function.name);
    expect(names).toContain("mcp__calc__add");
    for (const n of names) expect(n).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    const call = (body.messages.find((m: any) => m.tool_calls) as any).tool_calls[0];
    expect(call.function.name).toBe("mcp__calc__add");
    const tool = body.messages.find((m) => m.role === "tool") as any;
    expect(tool.content).toContain("5");
  });

  it("view_image: the image is lifted out of the tool output into a user image part", () => {
    const { body } = convert(codexRequestBody("view-image-turn2"));
    const tool = body.messages.find((m) => m.role === "tool") as any;
    expect(tool.content).not.toContain("base64");
    const last = body.messages.at(-1) as any;
    expect(last.role).toBe("user");
    const img = last.content.find((p: any) => p.type === "image_url");
    expect(img.image_url.url).toMatch(/^data:image\/png;base64,/);
    expect(["auto", "low", "high"]).toContain(img.image_url.detail);
  });

  it("view_image to a text-only model: a note, never the image", () => {
    const { body } = convert(codexRequestBody("view-image-turn2"), model({ noImageSupport: true }));
    expect(JSON.stringify(body.messages)).not.toContain("base64");
    expect(JSON.stringify(body.messages)).toContain("image omitted");
  });

  it("image prompt: data URL with detail high, <image> wrapper text kept", () => {
    const { body } = convert(codexRequestBody("image"));
    const user = body.messages.at(-1) as any;
    const img = user.content.find((p: any) => p.type === "image_url");
    expect(img.image_url).toMatchObject({ detail: "high" });
    expect(img.image_url.url.startsWith("data:image/png;base64,")).toBe(true);
  });

  it("clamps detail original/xhigh and passes http image URLs", () => {
    const input = [{ type: "message", role: "user", content: [{ type: "input_image", image_url: "https://example.com/a.png", detail: "original" }] }];
    const { body } = convert({ model: "m", input });
    expect((body.messages[0] as any).content[0]).toEqual({ type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } });
  });

  it("structured output: text.format json_schema becomes response_format", () => {
    const req = codexRequestBody("output-schema");
    const { body } = convert(req);
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "codex_output_schema", schema: req.text.format.schema, strict: true } });
    expect(body).not.toHaveProperty("verbosity");
  });

  it("verbosity only for OpenAI GPT-5 models", () => {
    const req = { model: "m", input: "hi", text: { verbosity: "low" } };
    expect(convert(req).body).not.toHaveProperty("verbosity");
    expect(convert(req, model({ model: "gpt-5.1", baseUrl: "https://api.openai.com/v1" })).body.verbosity).toBe("low");
  });

  it("local compaction request: no tools, no parallel_tool_calls, summary prompt last", () => {
    const { body } = convert(codexRequestBody("compact-local"));
    expect(body).not.toHaveProperty("tools");
    expect(body).not.toHaveProperty("parallel_tool_calls");
    expect((body.messages.at(-1) as any).content).toContain("CONTEXT CHECKPOINT COMPACTION");
    // the tool call history is still a valid pair
    const a = body.messages.find((m: any) => m.tool_calls) as any;
    expect(a.tool_calls[0].id).toBe("call_c1");
  });
});

describe("reasoning round-trip", () => {
  const history = (enc: string) => [
    { type: "message", role: "user", content: "list files" },
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "I should run ls" }], encrypted_content: enc },
    { type: "function_call", call_id: "c1", name: "exec_command", arguments: '{"cmd":"ls"}' },
    { type: "function_call_output", call_id: "c1", output: "a.txt" },
    { type: "reasoning", id: "rs_2", summary: [], encrypted_content: enc },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
  ];

  it("sends reasoning_content back on the tool-call turn of the same model only", () => {
    const { body } = convert({ model: "m", input: history(encodeChatReasoning("up-model", "I should run ls")) });
    const a = body.messages.find((m: any) => m.tool_calls) as any;
    expect(a.reasoning_content).toBe("I should run ls");
    const final = body.messages.at(-1) as any;
    expect(final).toEqual({ role: "assistant", content: "done" });
  });

  it("never replays reasoning produced by another model", () => {
    const { body, notes } = convert({ model: "m", input: history(encodeChatReasoning("other-model", "secret")) });
    expect(JSON.stringify(body)).not.toContain("secret");
    expect(notes).toContain("reasoning from another model not replayed");
  });
});

describe("other history items", () => {
  it("a shim compaction item becomes a user message with the summary", () => {
    const input = [
      { type: "message", role: "user", content: "build it" },
      { type: "compaction", id: "cmp_1", encrypted_content: encodeCompactionSummary("We built half of it.", "x") },
      { type: "message", role: "user", content: "continue" },
    ];
    const { body } = convert({ model: "m", input });
    expect(body.messages).toHaveLength(1);
    expect((body.messages[0] as any).content).toContain("We built half of it.");
  });

  it("hosted tool history is replayed as text instead of being dropped", () => {
    const input = [
      { type: "message", role: "user", content: "search" },
      { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "codex shim" } },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "found it" }] },
      { type: "local_shell_call", id: "ls_1", call_id: "sh_1", status: "completed", action: { type: "exec", command: ["ls"] } },
      { type: "local_shell_call_output", call_id: "sh_1", output: "a.txt" },
    ];
    const { body, notes } = convert({ model: "m", input });
    expect((body.messages[1] as any).content).toContain('searched the web for "codex shim"');
    expect((body.messages[1] as any).content).toContain("found it");
    // text before a call shares the call's assistant message
    expect((body.messages[1] as any).tool_calls[0]).toMatchObject({ id: "sh_1", function: { name: "local_shell", arguments: '{"command":["ls"]}' } });
    expect(body.messages[2]).toMatchObject({ role: "tool", tool_call_id: "sh_1", content: "a.txt" });
    expect(body.messages).toHaveLength(3);
    expect(notes.filter((n) => n.startsWith("dropped"))).toEqual([]);
  });
});
