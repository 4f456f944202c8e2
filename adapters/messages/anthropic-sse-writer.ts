import type { OutputWriter } from "../routes/upstream-route.ts";
import { BufferedOutputWriter } from "../stream/buffered-output-writer.ts";
import type { OutputLocalShellCallItem, ResponseObject, ResponsesUsage } from "../responses/responses-types.ts";
import type { ResponsesItemWriter } from "../responses/responses-item-writer.ts";
import { zeroUsage } from "../responses/normalize-usage.ts";
import { buildResponseEcho, buildResponseResource } from "../responses/build-response-resource.ts";
import { anthropicErrorBody, anthropicErrorTypeForCode } from "./anthropic-error.ts";
import { parseJsonObject } from "../tools/normalize-arguments.ts";
import type { MessagesResponse, MessagesResponseBlock, MessagesStopReason, MessagesUsage } from "../anthropic/anthropic-types.ts";

type OpenBlock = { kind: "text"; index: number; text: string[] } | { kind: "thinking"; index: number; text: string[] };

/** A tool call whose `tool_use` block is written when it closes. */
interface PendingToolUse {
  callId: string;
  name: string;
  args: string[];
}

/** Responses usage → Anthropic usage, whose `input_tokens` excludes cache reads. */
export function anthropicUsageOf(u: ResponsesUsage): MessagesUsage {
  const cached = u.input_tokens_details?.cached_tokens ?? 0;
  const out: MessagesUsage = { input_tokens: Math.max(0, u.input_tokens - cached), output_tokens: u.output_tokens };
  if (cached) out.cache_read_input_tokens = cached;
  return out;
}

/**
 * Writes Anthropic's Messages SSE grammar: `message_start`, then per content block
 * `content_block_start` / `content_block_delta`* / `content_block_stop` (one block open at a
 * time, indexes from 0), then `message_delta` (stop reason, usage) and `message_stop`; a failure
 * after the start is an `error` event. It also assembles the whole message for non-streaming
 * clients. It is an OutputWriter (so it runs in the request machine in place of the Responses
 * writer) and a ResponsesItemWriter (so the one chat chunk decoder, ChatStreamTranslator, writes
 * into it exactly as it writes Responses items for Codex).
 */
export class AnthropicSseWriter extends BufferedOutputWriter implements OutputWriter, ResponsesItemWriter {
  /** Anthropic clients accept an empty turn (`end_turn` with no content); nothing to fail for. */
  readonly hasAnswer = true;
  private readonly blocks: MessagesResponseBlock[] = [];
  private open: OpenBlock | null = null;
  private stopReason: MessagesStopReason | null = null;
  private anthropicUsage: MessagesUsage = { input_tokens: 0, output_tokens: 0 };
  private readonly id: string;
  private readonly model: string;

  constructor(opts: { messageId: string; model: string }) {
    super();
    this.id = opts.messageId;
    this.model = opts.model;
  }

  private emit(type: string, json: string): void {
    this.buf += `event: ${type}\ndata: ${json}\n\n`;
  }

  start(): void {
    const message = { id: this.id, type: "message", role: "assistant", model: this.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } };
    this.emit("message_start", JSON.stringify({ type: "message_start", message }));
  }

  keepAlive(): void {
    if (!this.finished) this.emit("ping", '{"type":"ping"}');
  }

  private closeOpen(): void {
    const b = this.open;
    if (!b) return;
    this.open = null;
    const text = b.text.join("");
    this.blocks[b.index] = b.kind === "text" ? { type: "text", text } : { type: "thinking", thinking: text, signature: "" };
    this.emit("content_block_stop", `{"type":"content_block_stop","index":${b.index}}`);
  }

  private openBlock(kind: "text" | "thinking"): OpenBlock {
    this.closeOpen();
    const index = this.blocks.length;
    this.blocks.push(kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" });
    const b: OpenBlock = { kind, index, text: [] };
    this.open = b;
    this.hasOutput = true;
    const start = kind === "text" ? '{"type":"text","text":""}' : '{"type":"thinking","thinking":"","signature":""}';
    this.emit("content_block_start", `{"type":"content_block_start","index":${index},"content_block":${start}}`);
    return b;
  }

  appendText(delta: string): void {
    if (!delta || this.finished) return;
    const b = this.open?.kind === "text" ? this.open : this.openBlock("text");
    b.text.push(delta);
    this.emit("content_block_delta", `{"type":"content_block_delta","index":${b.index},"delta":{"type":"text_delta","text":${JSON.stringify(delta)}}}`);
  }

  appendReasoning(delta: string): void {
    if (!delta || this.finished) return;
    const b = this.open?.kind === "thinking" ? this.open : this.openBlock("thinking");
    b.text.push(delta);
    this.emit("content_block_delta", `{"type":"content_block_delta","index":${b.index},"delta":{"type":"thinking_delta","thinking":${JSON.stringify(delta)}}}`);
  }

  appendRefusal(text: string): void {
    this.appendText(text);
  }

  get reasoningOpen(): boolean {
    return this.open?.kind === "thinking";
  }

  /** A thinking block opens at its first delta; an empty one (a bare signature carrier) is never sent. */
  openReasoning(): void {}

  /** Closes the thinking block. Chat reasoning has no Anthropic signature, so any carrier is dropped. */
  closeReasoning(): void {
    if (this.open?.kind === "thinking") this.closeOpen();
  }

  /**
   * Tool calls become whole `tool_use` blocks when they close (at the end of the turn): chat
   * providers may interleave the argument deltas of parallel calls, which Anthropic's
   * one-open-block grammar cannot express.
   */
  openFunctionCall(callId: string, name: string): PendingToolUse {
    return { callId, name, args: [] };
  }

  appendFunctionArgs(h: PendingToolUse, delta: string): void {
    h.args.push(delta);
  }

  closeFunctionCall(h: PendingToolUse, finalArguments?: string): void {
    this.emitToolUse(h.callId, h.name, finalArguments ?? h.args.join(""));
  }

  openCustomToolCall(callId: string, name: string): PendingToolUse {
    return { callId, name, args: [] };
  }

  /** Not produced on /v1/messages (its tools are plain functions); kept whole as `{input}` all the same. */
  closeCustomToolCall(h: PendingToolUse, input: string): void {
    this.emitToolUse(h.callId, h.name, JSON.stringify({ input }));
  }

  emitLocalShellCall(callId: string, action: OutputLocalShellCallItem["action"]): void {
    this.emitToolUse(callId, "local_shell", JSON.stringify(action));
  }

  emitCompaction(): void {
    this.fail("server_error", "Remote compaction is not available on /v1/messages.");
  }

  /** A whole tool_use block: start, the arguments as one `input_json_delta`, stop. */
  private emitToolUse(id: string, name: string, argumentsJson: string): void {
    if (this.finished) return;
    this.closeOpen();
    let json = argumentsJson.trim() || "{}";
    let input: unknown = parseJsonObject(json);
    if (!input) {
      // Anthropic clients parse the streamed JSON into `input`, which must be an object.
      input = { _raw: argumentsJson };
      json = JSON.stringify(input);
    }
    const index = this.blocks.length;
    this.blocks.push({ type: "tool_use", id, name, input });
    this.hasOutput = true;
    this.toolCallCount++;
    this.emit("content_block_start", `{"type":"content_block_start","index":${index},"content_block":${JSON.stringify({ type: "tool_use", id, name, input: {} })}}`);
    this.emit("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(json)}}}`);
    this.emit("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
  }

  /** The turn ended normally: `tool_use` when it called tools, else `end_turn`. */
  complete(usage?: ResponsesUsage | null): void {
    this.finish(this.toolCallCount > 0 ? "tool_use" : "end_turn", usage);
  }

  /** The turn was cut: by the token cap (`max_tokens`) or a content filter (`refusal`). */
  incomplete(reason: string, usage?: ResponsesUsage | null): void {
    this.finish(reason === "content_filter" ? "refusal" : "max_tokens", usage);
  }

  /** Ends the message: `message_delta` with the stop reason and usage, then `message_stop`. */
  private finish(stopReason: MessagesStopReason, usage: ResponsesUsage | null | undefined): void {
    if (this.finished) return;
    this.closeOpen();
    if (usage) {
      this.usage = usage;
      this.anthropicUsage = anthropicUsageOf(usage);
    } else this.usage = zeroUsage();
    this.stopReason = stopReason;
    this.status = stopReason === "max_tokens" ? "incomplete" : "completed";
    this.emit("message_delta", JSON.stringify({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: this.anthropicUsage }));
    this.emit("message_stop", '{"type":"message_stop"}');
  }

  /** A failure once streaming has begun: Anthropic's `error` event (the SDK raises it). */
  fail(code: string, message: string): void {
    if (this.finished) return;
    this.status = "failed";
    this.error = { code, message };
    this.emit("error", JSON.stringify(anthropicErrorBody(anthropicErrorTypeForCode(code), message)));
  }

  /** The assembled message (non-streaming clients). */
  messageObject(): MessagesResponse {
    return { id: this.id, type: "message", role: "assistant", model: this.model, content: this.blocks.slice(), stop_reason: this.stopReason, stop_sequence: null, usage: this.anthropicUsage };
  }

  /** For the request log and the tool-call cache (a Messages client never sees it). */
  responseObject(): ResponseObject {
    return buildResponseResource(
      { id: this.id, createdAt: Math.floor(Date.now() / 1000), completedAt: null, status: this.status, model: this.model, output: [], error: this.error, usage: this.usage, incompleteReason: null },
      buildResponseEcho(undefined),
    );
  }
}
