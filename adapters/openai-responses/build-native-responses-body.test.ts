import { describe, expect, it } from "vitest";
import { parseSettings } from "../settings/parse-settings.ts";
import { codexRequestBody } from "../../test/helpers/shared-fixtures.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";
import { buildNativeResponsesBody } from "./build-native-responses-body.ts";
import { nativeResponsesPolicy } from "./native-responses-policy.ts";
import { isSharedHistory, markSharedHistory } from "../transport/shared-history.ts";

const row = (extra: Record<string, unknown> = {}) =>
  parseSettings({ models: [{ model: "qwen3-coder", slug: "local", provider: "responses", base_url: "http://127.0.0.1:11434/v1", ...extra }] }, null).models[0];
const openaiRow = () => parseSettings({ models: [{ model: "gpt-5.5", slug: "gpt", provider: "openai-responses", base_url: "https://api.openai.com/v1", api_key: "sk-x" }] }, null).models[0];
const build = (req: Record<string, unknown>, m = row()) => {
  const notes: string[] = [];
  return { ...buildNativeResponsesBody(req, m, nativeResponsesPolicy(m), notes), notes };
};

describe("buildNativeResponsesBody", () => {
  it("accepts `responses` as an alias of provider openai-responses, with OpenAI-API defaults by host", () => {
    expect(row().provider).toBe("openai-responses");
    expect(nativeResponsesPolicy(row())).toEqual({ stateless: true, customTools: false, hostedTools: false });
    expect(nativeResponsesPolicy(openaiRow())).toEqual({ stateless: false, customTools: true, hostedTools: true });
    expect(nativeResponsesPolicy(row({ custom_tools: true, stateless: false }))).toMatchObject({ stateless: false, customTools: true });
  });

  it("swaps the model, drops previous_response_id and Codex-only fields, turns store off for stateless servers", () => {
    const req = { ...codexRequestBody("tool-loop-turn3"), previous_response_id: "resp_1", store: true };
    const { body } = build(req);
    expect(body.model).toBe("qwen3-coder");
    expect(body).not.toHaveProperty("previous_response_id");
    expect(body).not.toHaveProperty("client_metadata");
    expect(body.store).toBe(false);
    expect(body.prompt_cache_key).toBe(req.prompt_cache_key);
    expect(build(req, openaiRow()).body.store).toBe(true);
  });

  it("sends only functions to a function-only server: freeform as {input}, namespaces flattened, hosted tools left out and noted", () => {
    const { body, tools, notes } = build(codexRequestBody("tool-loop-turn3"));
    const sent = body.tools as { type: string; name?: string; parameters?: any }[];
    expect(sent.every((t) => t.type === "function")).toBe(true);
    const patch = sent.find((t) => t.name === "apply_patch")!;
    expect(patch.parameters.required).toEqual(["input"]);
    expect(sent.map((t) => t.name)).toContain("multi_agent_v1__spawn_agent");
    expect(notes.some((n) => n.includes("web_search"))).toBe(true);
    expect(tools!.resolve("apply_patch")).toEqual({ kind: "custom", name: "apply_patch" });
    expect(tools!.resolve("multi_agent_v1__spawn_agent")).toMatchObject({ kind: "function", name: "spawn_agent", namespace: "multi_agent_v1" });
    // the replayed apply_patch call and its output match the function the server now knows
    const input = body.input as any[];
    const call = input.find((i) => i.call_id === "call_patch_1" && i.type === "function_call");
    expect(call.name).toBe("apply_patch");
    expect(JSON.parse(call.arguments).input).toContain("*** Begin Patch");
    expect(input.find((i) => i.call_id === "call_patch_1" && i.type === "function_call_output")).toBeTruthy();
    expect(input.some((i) => i.type === "custom_tool_call" || i.type === "custom_tool_call_output")).toBe(false);
  });

  it("keeps freeform and hosted tools native for the OpenAI API; namespaces are still flattened", () => {
    const req = codexRequestBody("tool-loop-turn3");
    const { body, tools } = build(req, openaiRow());
    const sent = body.tools as { type: string; name?: string }[];
    expect(sent.find((t) => t.name === "apply_patch")?.type).toBe("custom");
    expect(sent.some((t) => t.type === "web_search")).toBe(true);
    expect(sent.some((t) => t.type === "namespace")).toBe(false);
    expect(tools!.resolve("multi_agent_v1__wait_agent")).toMatchObject({ namespace: "multi_agent_v1" });
    expect((body.input as any[]).some((i) => i.type === "custom_tool_call")).toBe(true);
  });

  it("leaves the input array alone when nothing in it must change", () => {
    const req = { model: "local", input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }] };
    expect(build(req).body.input).toBe(req.input);
  });

  it("drops reasoning the shim made for another upstream, replays its own compaction summary as text, maps a namespaced call", () => {
    const req = {
      model: "local",
      input: [
        { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "codex-shim:chat-reasoning:v1:abc" },
        { type: "compaction", encrypted_content: encodeCompactionSummary("We fixed the parser.", "other") },
        { type: "function_call", call_id: "c1", name: "spawn_agent", namespace: "multi_agent_v1", arguments: "{}" },
        { type: "function_call_output", call_id: "c1", output: "ok" },
        { type: "tool_search_output", call_id: "ts1", tools: [{ name: "calc" }] },
      ],
      tools: [{ type: "namespace", name: "multi_agent_v1", tools: [{ type: "function", name: "spawn_agent", parameters: { type: "object", properties: {} } }] }],
    };
    const input = build(req).body.input as any[];
    expect(input.some((i) => i.type === "reasoning")).toBe(false);
    expect(input[0]).toMatchObject({ type: "message", role: "user" });
    expect(input[0].content[0].text).toContain("We fixed the parser.");
    expect(input[1]).toMatchObject({ type: "function_call", name: "multi_agent_v1__spawn_agent" });
    expect(input[1]).not.toHaveProperty("namespace");
    expect(input[3]).toEqual({ type: "function_call_output", call_id: "ts1", output: "Tools now available: calc" });
  });

  it("replays hosted-tool history as short assistant notes where the server cannot run them, as it is where it can", () => {
    const ws = { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "codex shim" } };
    const img = { type: "image_generation_call", id: "ig_1", status: "completed", revised_prompt: "a cat" };
    const req = { model: "local", input: [ws, img] };
    const texts = (build(req).body.input as any[]).map((i) => [i.role, i.content[0].text]);
    expect(texts).toEqual([
      ["assistant", '[searched the web for "codex shim"]'],
      ["assistant", "[generated an image: a cat]"],
    ]);
    expect(build(req, openaiRow()).body.input).toBe(req.input);
  });

  it("flattens a replayed namespaced call to a valid function name even when no namespace tool is sent", () => {
    const req = { model: "local", input: [{ type: "function_call", call_id: "c1", name: "read.file", namespace: "mcp__docs", arguments: "{}" }] };
    expect((build(req).body.input as any[])[0]).toEqual({ type: "function_call", call_id: "c1", name: "mcp__docs__read_file", arguments: "{}" });
  });

  it("turns remote compaction into a summary request without tools", () => {
    const req = { ...codexRequestBody("tool-loop-turn3") };
    req.input = [...req.input, { type: "compaction_trigger" }];
    const { body, compaction, tools } = build(req);
    expect(compaction).toBe(true);
    expect(tools).toBeNull();
    expect(body).not.toHaveProperty("tools");
    const last = (body.input as any[]).at(-1);
    expect(last).toEqual({ type: "message", role: "user", content: [{ type: "input_text", text: COMPACTION_PROMPT }] });
  });

  it("rewrites a shared history item to the same object on every turn (so its encoding is reused), equal to a fresh rewrite", () => {
    const req = codexRequestBody("tool-loop-turn3") as Record<string, unknown>;
    const input = req.input as Record<string, unknown>[];
    // as body-prefix reuse hands them out: arrays marked as sharing items with the turn before
    const shared = (items: unknown[]) => (markSharedHistory(items), items);
    const first = build({ ...req, input: shared([...input]) }).body.input as unknown[];
    const second = build({ ...req, input: shared([...input]) }).body.input as unknown[];
    // not shared: rewritten afresh
    expect(build({ ...req, input: [...input] }).body.input).not.toContain(first[input.findIndex((i) => i.type === "custom_tool_call")]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    const at = input.findIndex((i) => i.type === "custom_tool_call");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(second[at]).toBe(first[at]);
    expect(second[at]).not.toBe(input[at]);
    // the rewritten array is still a shared history, so encodeJsonBody keeps its items' bytes
    expect(isSharedHistory(second)).toBe(true);
    expect(isSharedHistory(build({ ...req, input: [...input] }).body.input)).toBe(false);
  });
});
