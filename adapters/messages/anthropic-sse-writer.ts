import type { OutputWriter } from "../../machines/request.machine.ts";
import { BufferedOutputWriter } from "../stream/buffered-output-writer.ts";
import type { ResponseObject } from "../responses/responses-types.ts";
import { buildResponseEcho, buildResponseResource } from "../responses/build-response-resource.ts";
import { buildUsage } from "../responses/normalize-usage.ts";
import { anthropicErrorBody, anthropicErrorTypeForCode } from "./anthropic-error.ts";
import type { MessagesResponse, MessagesResponseBlock, MessagesStopReason, MessagesUsage } from "./messages-types.ts";

type OpenBlock = { kind: "text"; index: number; text: string[] } | { kind: "thinking"; index: number; text: string[] };

/**
 * Writes Anthropic's Messages SSE grammar: `message_start`, then per content block
 * `content_block_start` / `content_block_delta`* / `content_block_stop` (one block open at a
 * time, indexes from 0), then `message_delta` (stop reason, usage) and `message_stop`; a failure
 * after the start is an `error` event. It also assembles the whole message for non-streaming
 * clients. It has the OutputWriter surface, so it runs in the request machine in place of the
 * Responses writer.
 */
export class AnthropicSseWriter extends BufferedOutputWriter implements OutputWriter {
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

  appendThinking(delta: string): void {
    if (!delta || this.finished) return;
    const b = this.open?.kind === "thinking" ? this.open : this.openBlock("thinking");
    b.text.push(delta);
    this.emit("content_block_delta", `{"type":"content_block_delta","index":${b.index},"delta":{"type":"thinking_delta","thinking":${JSON.stringify(delta)}}}`);
  }

  /** A whole tool_use block: start, the arguments as one `input_json_delta`, stop. */
  emitToolUse(id: string, name: string, argumentsJson: string): void {
    if (this.finished) return;
    this.closeOpen();
    let input: unknown;
    let json = argumentsJson.trim() || "{}";
    try {
      input = JSON.parse(json);
      if (!input || typeof input !== "object" || Array.isArray(input)) throw new Error("not an object");
    } catch {
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

  /** Ends the message: `message_delta` with the stop reason and usage, then `message_stop`. */
  finish(stopReason: MessagesStopReason, usage: MessagesUsage | null): void {
    if (this.finished) return;
    this.closeOpen();
    if (usage) this.anthropicUsage = usage;
    this.stopReason = stopReason;
    const u = this.anthropicUsage;
    this.usage = buildUsage({ input: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0), output: u.output_tokens, cached: u.cache_read_input_tokens });
    this.status = stopReason === "max_tokens" ? "incomplete" : "completed";
    this.emit("message_delta", JSON.stringify({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: u }));
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
