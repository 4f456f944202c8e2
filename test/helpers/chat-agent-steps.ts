import type { RecordedRequest, ScriptStep } from "./scripted-upstream.ts";
import { chatChunk, chatSse, chatTextStep } from "./scripted-upstream.ts";

export interface ScriptedCall {
  id: string;
  name: string;
  /** The arguments JSON string, streamed in small pieces. */
  args: string;
}

type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };
const DEFAULT_USAGE: Usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };

/**
 * A chat-completions stream with optional DeepSeek-style `reasoning_content`, optional text, then
 * tool calls (each: id+name chunk, then the arguments in 7-character pieces), `finish_reason:
 * tool_calls`, and a usage chunk — the way real providers stream them.
 */
export function chatToolCallsStep(calls: ScriptedCall[], opts: { reasoning?: string; text?: string; usage?: Usage } = {}): ScriptStep {
  return (_req, res) => {
    const chunks: unknown[] = [chatChunk({ role: "assistant", content: null })];
    for (const piece of opts.reasoning?.match(/[\s\S]{1,6}/g) ?? []) chunks.push(chatChunk({ reasoning_content: piece, content: null }));
    if (opts.text) chunks.push(chatChunk({ content: opts.text }));
    calls.forEach((c, index) => {
      chunks.push(chatChunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
      for (const piece of c.args.match(/[\s\S]{1,7}/g) ?? []) chunks.push(chatChunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    chunks.push(chatChunk({}, "tool_calls"));
    chunks.push({ id: "chatcmpl-test", object: "chat.completion.chunk", choices: [], usage: opts.usage ?? DEFAULT_USAGE });
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(chatSse(chunks));
  };
}

/** A text answer with explicit usage (compaction tests need large totals). */
export function chatTextWithUsage(text: string, usage: Usage): ScriptStep {
  return chatTextStep(text, usage);
}

/** A step chosen by looking at the request the shim sent (robust to Codex retries and extra requests). */
export function decide(choose: (body: any, req: RecordedRequest) => ScriptStep): ScriptStep {
  return (req, res) => choose(req.body, req)(req, res);
}

/** Tool messages in a chat request body. */
export function toolMessages(body: any): any[] {
  return (body?.messages ?? []).filter((m: any) => m.role === "tool");
}

export function lastMessage(body: any): any {
  return body?.messages?.at(-1);
}

export function textOfMessage(m: any): string {
  if (!m) return "";
  return typeof m.content === "string" ? m.content : (m.content ?? []).map((p: any) => p.text ?? "").join("");
}

/** The patch the agent-loop e2e tests apply to out.txt ("hello" → "hello world"). */
export const HELLO_WORLD_PATCH = "*** Begin Patch\n*** Update File: out.txt\n@@\n-hello\n+hello world\n*** End Patch\n";

/** A three-step agent loop: write out.txt with a shell call, patch it with apply_patch, then answer. */
export function shellThenPatchStep(finalText = "Edited out.txt."): ScriptStep {
  return decide((body) => {
    const outputs = toolMessages(body);
    if (outputs.length === 0) return chatToolCallsStep([{ id: "call_sh", name: "exec_command", args: JSON.stringify({ cmd: "printf 'hello\\n' > out.txt && cat out.txt" }) }]);
    if (outputs.length === 1) return chatToolCallsStep([{ id: "call_patch", name: "apply_patch", args: JSON.stringify({ input: HELLO_WORLD_PATCH }) }]);
    return chatTextStep(finalText);
  });
}

/** Mid-turn compaction: a tool call reporting a nearly full window, the summary, then the answer after it. */
export function compactionStep(marker: string, finalText: string): ScriptStep {
  const isCompaction = (body: any) => textOfMessage(lastMessage(body)).includes("CONTEXT CHECKPOINT COMPACTION");
  return decide((body) => {
    if (isCompaction(body)) return chatTextWithUsage(`${marker}: ran echo compact-test; next: report the result.`, { prompt_tokens: 900, completion_tokens: 20, total_tokens: 920 });
    if (JSON.stringify(body.messages).includes(marker)) return chatTextWithUsage(finalText, { prompt_tokens: 300, completion_tokens: 5, total_tokens: 305 });
    if (toolMessages(body).length === 0)
      return chatToolCallsStep([{ id: "call_c1", name: "exec_command", args: JSON.stringify({ cmd: "echo compact-test" }) }], { usage: { prompt_tokens: 3800, completion_tokens: 100, total_tokens: 3900 } });
    return chatTextWithUsage("unexpected: no compaction happened", { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  });
}
