import { describe, expect, it } from "vitest";
import { convertResponsesInputToChatMessages, type InputConversionOptions } from "./convert-responses-input-to-chat-messages.ts";
import { GEMINI_SKIP_SIGNATURE } from "./render-chat-messages.ts";
import { encodeChatReasoning } from "./chat-reasoning-carrier.ts";
import type { InputItem } from "../responses/responses-types.ts";
import { buildUpstreamToolSet } from "../tools/upstream-tool-set.ts";

function convert(input: unknown[], over: Partial<InputConversionOptions> = {}, instructions?: string) {
  const notes: string[] = [];
  const messages = convertResponsesInputToChatMessages({ instructions, input: input as InputItem[] }, { noImages: false, notes, upstreamModel: "deepseek-chat", ...over });
  return { messages, notes };
}

const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const say = (text: string) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const call = (id: string, args = "{}", name = "exec_command") => ({ type: "function_call", call_id: id, name, arguments: args });
const out = (id: string, output: unknown = `out ${id}`) => ({ type: "function_call_output", call_id: id, output });
const think = (text: string, model = "deepseek-chat", signatures?: Record<string, string>) => ({ type: "reasoning", summary: [], encrypted_content: encodeChatReasoning(model, text, signatures) });
const img = (url = "data:image/png;base64,AAAA", detail?: string) => ({ type: "input_image", image_url: url, detail });

const roles = (msgs: any[]) => msgs.map((m) => (m.role === "tool" ? `tool:${m.tool_call_id}` : m.tool_calls ? `assistant[${m.tool_calls.map((c: any) => c.id).join(",")}]` : m.role));

describe("Responses input → chat messages", () => {
  it("one assistant message per group of calls, its text and same-model reasoning included, tool messages in call order", () => {
    const { messages } = convert([user("go"), think("plan"), say("Running both."), call("a"), call("b"), out("b"), out("a")], {}, "sys");
    expect(roles(messages)).toEqual(["system", "user", "assistant[a,b]", "tool:a", "tool:b"]);
    expect(messages[2]).toMatchObject({ content: "Running both.", reasoning_content: "plan" });
    expect(messages.slice(3).map((m) => m.content)).toEqual(["out a", "out b"]);
  });

  it("text after a call starts the next assistant message, and the call keeps its answer", () => {
    const { messages } = convert([user("go"), call("a"), say("meanwhile"), out("a")]);
    expect(roles(messages)).toEqual(["user", "assistant[a]", "tool:a", "assistant"]);
    expect(messages[3]).toEqual({ role: "assistant", content: "meanwhile" });
  });

  it("answers a call without output, turns an orphan output into user text, and merges it with the next user message", () => {
    const { messages, notes } = convert([user("go"), call("a"), user("stop"), out("ghost", "late"), user("again")]);
    expect(messages).toEqual([
      { role: "user", content: "go" },
      { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "exec_command", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "a", content: "(no output: the call was not executed)" },
      { role: "user", content: "stop\n\nOutput of tool call ghost:\nlate\n\nagain" },
    ]);
    expect(notes).toEqual(expect.arrayContaining(["tool call a had no output in history", "tool result without a matching call sent as text"]));
  });

  it("replays reasoning only on tool-call messages and only to the model that wrote it (noted once)", () => {
    const { messages, notes } = convert([user("q"), think("musing"), say("answer"), user("q2"), think("other", "kimi-k2"), think("other2", "kimi-k2"), call("c"), out("c")]);
    expect(messages[1]).toEqual({ role: "assistant", content: "answer" });
    expect(messages[3]).not.toHaveProperty("reasoning_content");
    expect(notes.filter((n) => n === "reasoning from another model not replayed")).toHaveLength(1);
  });

  it("Gemini: signatures ride to their calls, a signature-only item does not split parallel calls, the sentinel fills gaps", () => {
    const { messages } = convert(
      [user("x"), think("t", "gemini-3", { a: "sigA" }), call("a"), think("", "gemini-3", { b: "sigB" }), call("b"), out("a"), out("b"), call("c"), out("c")],
      { upstreamModel: "gemini-3", geminiSignatureFallback: true },
    );
    expect(roles(messages)).toEqual(["user", "assistant[a,b]", "tool:a", "tool:b", "assistant[c]", "tool:c"]);
    const a = messages[1] as any;
    expect(a.tool_calls.map((c: any) => c.extra_content.google.thought_signature)).toEqual(["sigA", "sigB"]);
    expect((messages[4] as any).tool_calls[0].extra_content.google.thought_signature).toBe(GEMINI_SKIP_SIGNATURE);
  });

  it("lifts tool-output images into one user message after all tool messages; without vision they are a note inside the tool message", () => {
    const input = [user("look"), call("a"), call("b"), out("b", [img("https://x.invalid/b.png")]), out("a", [{ type: "input_text", text: "A" }, img("data:image/png;base64,AAAA", "original")])];
    const { messages } = convert(input);
    expect(roles(messages)).toEqual(["user", "assistant[a,b]", "tool:a", "tool:b", "user"]);
    expect(messages.slice(2, 4).map((m) => m.content)).toEqual(["A", "(see the image below)"]);
    expect(messages[4].content).toEqual([
      { type: "text", text: "Images returned by the tool calls above:" },
      { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "high" } },
      { type: "image_url", image_url: { url: "https://x.invalid/b.png", detail: "auto" } },
    ]);
    const blind = convert(input, { noImages: true }).messages;
    expect(roles(blind)).toEqual(["user", "assistant[a,b]", "tool:a", "tool:b"]);
    expect(blind.slice(2).map((m) => m.content)).toEqual(["A\n[image omitted: this model does not accept images]", "[image omitted: this model does not accept images]"]);
    expect(convert([{ type: "message", role: "user", content: [{ type: "input_text", text: "see" }, img()] }], { noImages: true }).messages).toEqual([
      { role: "user", content: "see\n[image omitted: this model does not accept images]" },
    ]);
  });

  it("replays arguments as JSON objects: cut-off JSON closed, anything else wrapped; custom and namespaced calls under their upstream names", () => {
    const tools = buildUpstreamToolSet(
      [
        { type: "custom", name: "apply_patch" },
        { type: "namespace", name: "mcp__calc", tools: [{ type: "function", name: "add" }] },
      ] as never,
      [],
    );
    const { messages } = convert(
      [
        call("a", '{"cmd":"ls'),
        call("b", "not json"),
        call("c", ""),
        { type: "custom_tool_call", call_id: "p", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
        { type: "function_call", call_id: "n", name: "add", namespace: "mcp__calc", arguments: '{"a":1}' },
      ],
      { toolNames: tools },
    );
    expect((messages[0] as any).tool_calls.map((c: any) => [c.function.name, c.function.arguments])).toEqual([
      ["exec_command", '{"cmd":"ls"}'],
      ["exec_command", '{"_raw":"not json"}'],
      ["exec_command", "{}"],
      ["apply_patch", JSON.stringify({ input: "*** Begin Patch\n*** End Patch" })],
      ["mcp__calc__add", '{"a":1}'],
    ]);
  });

  it("merges consecutive system and user messages, and never sends an empty message list", () => {
    const { messages } = convert([{ type: "message", role: "developer", content: "d1" }, { type: "message", role: "system", content: "d2" }, user("u1"), "u2"], {}, "inst");
    expect(messages).toEqual([
      { role: "system", content: "inst\n\nd1\n\nd2" },
      { role: "user", content: "u1\n\nu2" },
    ]);
    expect(convert([]).messages).toEqual([{ role: "user", content: "" }]);
  });
});
