import { describe, expect, it } from "vitest";
import { convertResponsesInputToConversation, reasoningCarrierOf } from "./convert-responses-input-to-conversation.ts";
import type { AssistantTurn, Turn } from "./conversation-types.ts";
import type { InputItem } from "../responses/responses-types.ts";
import { encodeChatReasoning } from "../chat/chat-reasoning-carrier.ts";
import { encodeAnthropicThinking } from "../anthropic/anthropic-thinking-carrier.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";

function convert(input: unknown[], instructions?: string): { turns: Turn[]; notes: string[] } {
  const notes: string[] = [];
  return { turns: convertResponsesInputToConversation({ instructions, input: input as InputItem[] }, { notes }), notes };
}

const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const call = (id: string, args = "{}") => ({ type: "function_call", call_id: id, name: "exec_command", arguments: args });
const out = (id: string, output: unknown = `out ${id}`) => ({ type: "function_call_output", call_id: id, output });

/** A compact picture of the turns: roles, steps, and which calls got which result. */
function shape(turns: Turn[]): string[] {
  return turns.map((t) => {
    if (t.role !== "assistant") return `${t.role}:${t.parts.map((p) => (p.type === "text" ? p.text : `<${p.url}>`)).join("|")}`;
    return `assistant:${t.steps
      .map((s) => (s.type === "text" ? `text(${s.parts.map((p) => p.text).join("|")})` : s.type === "reasoning" ? `reasoning(${s.carrier.kind})` : `call(${s.call.callId}=${typeof s.call.result?.output === "string" ? s.call.result.output : s.call.result ? "parts" : "-"})`))
      .join(",")}`;
  });
}

describe("Responses input → neutral turns", () => {
  it("gathers reasoning, text and parallel calls into one assistant turn and pairs results in any order", () => {
    const { turns, notes } = convert(
      [user("two things"), { type: "reasoning", summary: [], encrypted_content: encodeChatReasoning("m", "plan") }, { type: "message", role: "assistant", content: [{ type: "output_text", text: "Running both." }] }, call("a"), call("b"), out("b"), out("a")],
      "be brief",
    );
    expect(shape(turns)).toEqual(["system:be brief", "user:two things", "assistant:reasoning(chat),text(Running both.),call(a=out a),call(b=out b)"]);
    expect(notes).toEqual([]);
  });

  it("pairs a result that comes after a user message, within the client run that follows the calls", () => {
    const { turns } = convert([user("go"), call("a"), user("hurry"), out("a")]);
    expect(shape(turns)).toEqual(["user:go", "assistant:call(a=out a)", "user:hurry"]);
  });

  it("turns results without a call, second answers and answers to an older turn into user text (noted once)", () => {
    const img = { type: "input_image", image_url: "https://x.invalid/i.png" };
    const { turns, notes } = convert([call("a"), out("a"), out("a", "again"), out("ghost", [{ type: "input_text", text: "" }, img]), call("b"), user("wait"), call("c"), out("b", "late")]);
    expect(shape(turns)).toEqual([
      "assistant:call(a=out a)",
      "user:Output of tool call a:\nagain",
      "user:Output of tool call ghost:\n(see the image below)|<https://x.invalid/i.png>",
      "assistant:call(b=-)",
      "user:wait",
      "assistant:call(c=-)",
      "user:Output of tool call b:\nlate",
    ]);
    expect(notes).toEqual(["tool result without a matching call sent as text"]);
  });

  it("does not split a turn on items that render nothing: empty assistant messages and unknown items", () => {
    const { turns, notes } = convert([call("a"), { type: "message", role: "assistant", content: [{ type: "output_text", text: "" }] }, { type: "item_reference", id: "x" }, call("b"), out("a"), out("b")]);
    expect(shape(turns)).toEqual(["assistant:call(a=out a),call(b=out b)"]);
    expect(notes).toEqual(["dropped input item item_reference"]);
  });

  it("maps custom, local-shell and tool-search calls to calls of the functions they are exposed as", () => {
    const { turns } = convert([
      { type: "custom_tool_call", call_id: "p", name: "apply_patch", input: "*** Begin Patch" },
      { type: "local_shell_call", id: "ls_1", action: { type: "exec", command: ["ls"], working_directory: "/tmp", timeout_ms: 5 } },
      { type: "tool_search_call", call_id: "s", arguments: { query: "calc" } },
      { type: "function_call", call_id: "n", name: "add", namespace: "mcp__calc", arguments: '{"a":1}' },
      { type: "tool_search_output", call_id: "s", tools: [{ name: "add" }, { name: 3 }] },
      { type: "local_shell_call_output", call_id: "ls_1", output: "file" },
    ]);
    const calls = (turns[0] as AssistantTurn).steps.map((s) => (s.type === "tool_call" ? s.call : null));
    expect(calls).toEqual([
      { callId: "p", name: "apply_patch", input: { kind: "object", value: { input: "*** Begin Patch" } } },
      { callId: "ls_1", name: "local_shell", input: { kind: "object", value: { command: ["ls"], workdir: "/tmp", timeout_ms: 5 } }, result: { output: "file" } },
      { callId: "s", name: "tool_search", input: { kind: "json", text: '{"query":"calc"}' }, result: { output: "Tools now available: add" } },
      { callId: "n", name: "add", namespace: "mcp__calc", input: { kind: "json", text: '{"a":1}' } },
    ]);
  });

  it("keeps hosted-tool history as assistant notes and compaction as user text", () => {
    const { turns, notes } = convert([
      { type: "compaction", encrypted_content: encodeCompactionSummary("did X", "m") },
      { type: "compaction", encrypted_content: "gAAAA-openai" },
      { type: "web_search_call", action: { query: "q" } },
      { type: "image_generation_call", revised_prompt: "a cat" },
      { type: "compaction_trigger" },
    ]);
    expect(shape(turns)[0]).toContain("did X");
    expect(shape(turns).slice(1)).toEqual(['assistant:text([searched the web for "q"]),text([generated an image: a cat])', `user:${COMPACTION_PROMPT}`]);
    expect(notes).toEqual(["foreign compaction item not replayed (only the provider that made it can read it)"]);
  });

  it("strips C0 controls from text, call ids, arguments and outputs; bare strings and parts are user turns", () => {
    const { turns } = convert(["hi\u0000", { type: "input_text", text: "part\u0001" }, call("c\u0002", '{"a":"\u0003"}'), out("c\u0002", "o\u0004")]);
    expect(shape(turns)).toEqual(["user:hi", "user:part", "assistant:call(c=o)"]);
    expect(((turns[2] as AssistantTurn).steps[0] as { call: { input: unknown } }).call.input).toEqual({ kind: "json", text: '{"a":""}' });
  });

  it("keeps images of user messages and tool outputs by URL with their detail; drops them from system and assistant messages", () => {
    const url = `data:image/png;base64,${"A".repeat(1000)}`;
    const { turns, notes } = convert([
      { type: "message", role: "user", content: [{ type: "input_image", image_url: { url }, detail: "high" }, { type: "input_image", file_id: "f" }, { type: "input_file", file_id: "f" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "dev" }, { type: "input_image", image_url: url }] },
      call("v"),
      out("v", [{ type: "input_image", image_url: url }, { type: "input_text", text: "" }]),
    ]);
    expect(turns[0]).toEqual({ role: "user", parts: [{ type: "image", url, detail: "high" }] });
    expect(turns[1]).toEqual({ role: "system", parts: [{ type: "text", text: "dev" }] });
    expect(((turns[2] as AssistantTurn).steps[0] as { call: { result: unknown } }).call.result).toEqual({ output: [{ type: "image", url, detail: "auto" }, { type: "text", text: "" }] });
    expect(notes).toEqual(["image without a URL dropped (file_id images are not supported)"]);
  });

  it("decodes each reasoning carrier once", () => {
    expect(reasoningCarrierOf(encodeChatReasoning("m", "t", { c: "sig" }))).toEqual({ kind: "chat", model: "m", text: "t", signatures: { c: "sig" } });
    const blocks = [{ type: "thinking" as const, thinking: "x", signature: "s" }];
    expect(reasoningCarrierOf(encodeAnthropicThinking("claude", blocks))).toEqual({ kind: "anthropic", model: "claude", blocks });
    expect(reasoningCarrierOf("gAAAA-openai")).toEqual({ kind: "opaque" });
    expect(reasoningCarrierOf(null)).toEqual({ kind: "none" });
    expect(reasoningCarrierOf("codex-shim:chat-reasoning:v1:!!")).toEqual({ kind: "opaque" });
  });
});
