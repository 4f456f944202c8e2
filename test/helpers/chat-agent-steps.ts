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
