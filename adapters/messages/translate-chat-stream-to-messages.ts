import type { StreamTranslator } from "../routes/upstream-route.ts";
import type { ChatChunk, ChatChunkChoice, ChatUsage } from "../chat/chat-types.ts";
import { mapChatUsage } from "../chat/map-chat-usage.ts";
import { ThinkTagSplitter } from "../chat/split-think-tags.ts";
import type { AnthropicSseWriter } from "./anthropic-sse-writer.ts";
import type { MessagesStopReason, MessagesUsage } from "../anthropic/anthropic-types.ts";

interface PendingCall {
  id: string;
  name: string;
  args: string[];
}

export function messagesStopReason(finish: string | null | undefined, hadToolCalls: boolean): MessagesStopReason {
  if (hadToolCalls || finish === "tool_calls" || finish === "function_call") return "tool_use";
  if (finish === "length") return "max_tokens";
  if (finish === "content_filter") return "refusal";
  return "end_turn";
}

/** Chat usage → Anthropic usage (whose `input_tokens` excludes cache reads). */
export function messagesUsage(u: ChatUsage): MessagesUsage {
  const r = mapChatUsage(u);
  const cached = r.input_tokens_details?.cached_tokens ?? 0;
  const out: MessagesUsage = { input_tokens: Math.max(0, r.input_tokens - cached), output_tokens: r.output_tokens };
  if (cached) out.cache_read_input_tokens = cached;
  return out;
}

/**
 * Chat-completions chunks → Anthropic SSE. Reasoning (`reasoning_content`, `reasoning`, leading
 * `<think>` tags) becomes a thinking block, content a text block, and tool calls whole
 * `tool_use` blocks at the end of the turn: chat providers may interleave the argument deltas of
 * parallel calls, which Anthropic's one-open-block grammar cannot express. The message ends on
 * `[DONE]` or EOF, after the trailing usage chunk.
 */
export class ChatToMessagesTranslator implements StreamTranslator {
  private readonly writer: AnthropicSseWriter;
  private readonly calls = new Map<number, PendingCall>();
  private finish: string | null = null;
  private usage: MessagesUsage | null = null;
  private readonly think: ThinkTagSplitter;

  constructor(writer: AnthropicSseWriter) {
    this.writer = writer;
    this.think = new ThinkTagSplitter(
      (s) => writer.appendThinking(s),
      (s) => writer.appendText(s),
    );
  }

  onEvent(data: string): void {
    if (this.writer.finished) return;
    if (data === "[DONE]") {
      this.end();
      return;
    }
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data);
    } catch {
      return;
    }
    this.onChunk(chunk);
  }

  private onChunk(chunk: ChatChunk): void {
    if (chunk.error) {
      const e = chunk.error;
      this.writer.fail("server_error", typeof e === "string" ? e : (e.message ?? "the upstream reported an error"));
      return;
    }
    const u = chunk.usage ?? chunk.x_groq?.usage;
    if (u) this.usage = messagesUsage(u);
    for (const choice of chunk.choices ?? []) this.onChoice(choice);
  }

  private onChoice(choice: ChatChunkChoice): void {
    const d = choice.delta ?? choice.message;
    if (d) {
      const reasoning = d.reasoning_content ?? d.reasoning;
      if (reasoning) this.writer.appendThinking(reasoning);
      if (typeof d.content === "string") this.think.feed(d.content);
      else if (Array.isArray(d.content))
        for (const p of d.content) {
          if (p.type === "text" && typeof p.text === "string") this.think.feed(p.text);
          else if (p.type === "thinking") {
            const t = (p as { thinking?: unknown }).thinking;
            if (typeof t === "string") this.writer.appendThinking(t);
            else if (Array.isArray(t)) for (const x of t) if (typeof x?.text === "string") this.writer.appendThinking(x.text);
          }
        }
      if (d.refusal) this.writer.appendText(d.refusal);
      for (const [i, tc] of (d.tool_calls ?? []).entries()) {
        const index = typeof tc.index === "number" ? tc.index : i;
        let c = this.calls.get(index);
        if (!c) {
          c = { id: "", name: "", args: [] };
          this.calls.set(index, c);
        }
        if (tc.id) c.id = tc.id;
        if (tc.function?.name) c.name += tc.function.name;
        if (tc.function?.arguments) c.args.push(tc.function.arguments);
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
  }

  onJsonBody(body: unknown): void {
    this.onChunk(body as ChatChunk);
    this.end();
  }

  onEnd(): void {
    this.end(true);
  }

  /** `eof`: the connection closed without `[DONE]`; without a finish reason the answer was cut. */
  private end(eof = false): void {
    if (this.writer.finished) return;
    this.think.flush();
    if (this.finish === null && (eof || (this.calls.size === 0 && !this.writer.hasOutput && !this.usage))) {
      this.writer.fail("server_error", eof ? "The upstream stream ended before the answer was complete." : "The upstream stream ended without any answer.");
      return;
    }
    const sorted = [...this.calls.entries()].sort((a, b) => a[0] - b[0]);
    for (const [index, c] of sorted) this.writer.emitToolUse(c.id || `call_${index}`, c.name || "tool", c.args.join(""));
    this.writer.finish(messagesStopReason(this.finish, this.calls.size > 0), this.usage);
  }
}
