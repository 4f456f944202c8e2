import type { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import type { StreamTranslator } from "../routes/upstream-route.ts";
import { localShellActionFromArguments, type UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { extractCustomToolInput } from "../tools/extract-custom-tool-input.ts";
import type {
  AnthropicBlockDelta,
  AnthropicMessageResponse,
  AnthropicResponseBlock,
  AnthropicSignedBlock,
  AnthropicStreamEvent,
  AnthropicUsage,
} from "./anthropic-types.ts";
import { encodeAnthropicThinking } from "./anthropic-thinking-carrier.ts";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-anthropic-usage.ts";
import { classifyAnthropicError } from "./map-anthropic-http-error.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";

type BlockState =
  | { kind: "text" }
  | { kind: "thinking"; text: string[]; signature: string }
  | { kind: "redacted"; data: string }
  | { kind: "tool"; id: string; name: string; json: string[]; startInput: unknown }
  | { kind: "ignored" };

export interface AnthropicTranslatorOptions {
  /** The upstream model, tagged into the thinking carrier. */
  model: string;
  /** "model <slug> at <url>", for error messages. */
  where: string;
  notes?: string[];
  /** Remote compaction (v2): the answer text is the summary, returned as one `compaction` item tagged with this slug. */
  compactionFor?: string;
}

/**
 * Anthropic Messages SSE (or a whole JSON Message) → Responses events, one pass per event.
 *
 * - `thinking` streams as reasoning summary text; consecutive `thinking` / `redacted_thinking`
 *   blocks form one reasoning item whose `encrypted_content` carries the signed blocks
 *   byte-exact and in order (see anthropic-thinking-carrier.ts).
 * - `tool_use` input is collected until `content_block_stop` and then emitted whole, so a call
 *   cut off mid-stream is never handed to Codex.
 * - `error` events and streams that end before `message_stop` become `response.failed`;
 *   `max_tokens` becomes `response.incomplete`; a refusal is shown as text and ends incomplete.
 */
export class AnthropicStreamTranslator implements StreamTranslator {
  private readonly blocks = new Map<number, BlockState>();
  /** Signed blocks of the reasoning item that is open in the writer. */
  private signed: AnthropicSignedBlock[] = [];
  private usage: AnthropicUsage | null = null;
  private stopReason: string | null = null;
  private stopDetails: AnthropicMessageResponse["stop_details"] = null;
  private messageId: string | undefined;
  private started = false;
  private ignoredTypes = new Set<string>();
  /** Remote-compaction mode: the summary text, collected instead of streamed. */
  private readonly compaction: string[] | null;

  private readonly writer: ResponsesEventWriter;
  private readonly tools: UpstreamToolSet;
  private readonly opts: AnthropicTranslatorOptions;

  constructor(writer: ResponsesEventWriter, tools: UpstreamToolSet, opts: AnthropicTranslatorOptions) {
    this.writer = writer;
    this.tools = tools;
    this.opts = opts;
    this.compaction = opts.compactionFor !== undefined ? [] : null;
  }

  private text(delta: string): void {
    if (this.compaction) this.compaction.push(delta);
    else this.writer.appendText(delta);
  }

  onEvent(data: string, _event?: string): void {
    if (this.writer.finished) return;
    let ev: AnthropicStreamEvent;
    try {
      ev = JSON.parse(data) as AnthropicStreamEvent;
    } catch {
      return; // a garbage line between valid events; the end-of-stream check still applies
    }
    if (!ev || typeof ev !== "object") return;
    switch (ev.type) {
      case "content_block_delta":
        this.onDelta(ev.index, ev.delta);
        return;
      case "content_block_start":
        this.onBlockStart(ev.index, ev.content_block);
        return;
      case "content_block_stop":
        this.onBlockStop(ev.index);
        return;
      case "message_start":
        this.onMessageStart(ev.message);
        return;
      case "message_delta":
        if (ev.delta?.stop_reason) this.stopReason = ev.delta.stop_reason;
        if (ev.delta?.stop_details) this.stopDetails = ev.delta.stop_details;
        this.usage = mergeAnthropicUsage(this.usage, ev.usage);
        return;
      case "message_stop":
        this.finalize();
        return;
      case "error": {
        const { code, message } = classifyAnthropicError(ev.error, this.opts.where);
        this.writer.fail(code, message);
        return;
      }
      default:
        return; // ping and future event types
    }
  }

  /** A whole Message (an upstream that ignored `stream: true`, or a JSON error body). */
  onJsonBody(body: unknown): void {
    const b = body as AnthropicMessageResponse;
    if (!b || typeof b !== "object") {
      this.writer.fail("server_error", `The upstream (${this.opts.where}) answered with an unexpected body.`);
      return;
    }
    if (b.type === "error" || b.error) {
      const { code, message } = classifyAnthropicError(b.error, this.opts.where);
      this.writer.fail(code, message);
      return;
    }
    this.usage = mergeAnthropicUsage(null, b.usage);
    for (const block of b.content ?? []) this.onWholeBlock(block);
    this.stopReason = b.stop_reason ?? null;
    this.stopDetails = b.stop_details ?? null;
    this.finalize();
  }

  onEnd(): void {
    if (this.writer.finished) return;
    this.writer.fail("server_error", `The Anthropic stream from ${this.opts.where} ended before message_stop (the response was cut off).`);
  }

  // ---- events ------------------------------------------------------------------------------

  private onMessageStart(message: AnthropicMessageResponse | undefined): void {
    if (this.started) {
      // The same message_start repeated is harmless; a different message spliced into the
      // stream means the upstream restarted generation mid-answer: never mix the two.
      if (message?.id === this.messageId || (!this.writer.hasOutput && this.blocks.size === 0)) return;
      this.writer.fail("server_error", `The upstream (${this.opts.where}) started a second message in the middle of the stream.`);
      return;
    }
    this.started = true;
    this.messageId = message?.id;
    this.usage = mergeAnthropicUsage(null, message?.usage);
    for (const block of message?.content ?? []) this.onWholeBlock(block);
  }

  private onBlockStart(index: number, block: AnthropicResponseBlock | undefined): void {
    const type = block?.type;
    if (this.compaction && type !== "text") {
      this.blocks.set(index, { kind: "ignored" });
      return;
    }
    if (type === "text") {
      this.closeThinkingItem();
      this.blocks.set(index, { kind: "text" });
      if (block!.text) this.text(block!.text);
    } else if (type === "thinking") {
      if (!this.writer.reasoningOpen) this.writer.openReasoning();
      this.blocks.set(index, { kind: "thinking", text: block!.thinking ? [block!.thinking] : [], signature: block!.signature ?? "" });
      if (block!.thinking) this.writer.appendReasoning(block!.thinking);
    } else if (type === "redacted_thinking") {
      if (!this.writer.reasoningOpen) this.writer.openReasoning();
      this.blocks.set(index, { kind: "redacted", data: block!.data ?? "" });
    } else if (type === "tool_use") {
      this.closeThinkingItem();
      this.blocks.set(index, { kind: "tool", id: block!.id || `toolu_${index}`, name: block!.name ?? "", json: [], startInput: block!.input });
    } else {
      this.ignore(type ?? "unknown");
      this.blocks.set(index, { kind: "ignored" });
    }
  }

  private onDelta(index: number, delta: AnthropicBlockDelta | undefined): void {
    if (!delta) return;
    let b = this.blocks.get(index);
    if (!b) {
      // A delta for a block that never started: infer the block from the delta type.
      const kind = delta.type === "text_delta" ? "text" : delta.type === "thinking_delta" || delta.type === "signature_delta" ? "thinking" : null;
      if (!kind) return;
      this.onBlockStart(index, { type: kind });
      b = this.blocks.get(index)!;
    }
    switch (delta.type) {
      case "text_delta":
        if (b.kind === "text" && delta.text) this.text(delta.text);
        return;
      case "input_json_delta":
        if (b.kind === "tool" && delta.partial_json) b.json.push(delta.partial_json);
        return;
      case "thinking_delta":
        if (b.kind === "thinking" && delta.thinking) {
          b.text.push(delta.thinking);
          if (!this.writer.reasoningOpen) this.writer.openReasoning();
          this.writer.appendReasoning(delta.thinking);
        }
        return;
      case "signature_delta":
        if (b.kind === "thinking" && delta.signature) b.signature += delta.signature;
        return;
      default:
        return; // citations_delta, compaction_delta …
    }
  }

  private onBlockStop(index: number): void {
    const b = this.blocks.get(index);
    if (!b) return;
    this.blocks.delete(index);
    this.finishBlock(b);
  }

  private finishBlock(b: BlockState): void {
    if (b.kind === "thinking") {
      // Unsigned thinking (some compatible servers) is shown but never replayed.
      if (b.signature) this.signed.push({ type: "thinking", thinking: b.text.join(""), signature: b.signature });
    } else if (b.kind === "redacted") {
      if (b.data) this.signed.push({ type: "redacted_thinking", data: b.data });
    } else if (b.kind === "tool") {
      let args = b.json.join("");
      if (args.trim() === "") {
        const start = b.startInput;
        args = start && typeof start === "object" && Object.keys(start).length ? JSON.stringify(start) : "{}";
      }
      this.emitToolCall(b.id, b.name, args);
    }
  }

  /** A block from a whole Message (non-streaming, or content pre-filled in message_start). */
  private onWholeBlock(block: AnthropicResponseBlock): void {
    if (this.compaction && block?.type !== "text") return;
    switch (block?.type) {
      case "text":
        this.closeThinkingItem();
        if (block.text) this.text(block.text);
        return;
      case "thinking":
        if (!this.writer.reasoningOpen) this.writer.openReasoning();
        if (block.thinking) this.writer.appendReasoning(block.thinking);
        this.finishBlock({ kind: "thinking", text: [block.thinking ?? ""], signature: block.signature ?? "" });
        return;
      case "redacted_thinking":
        if (!this.writer.reasoningOpen) this.writer.openReasoning();
        this.finishBlock({ kind: "redacted", data: block.data ?? "" });
        return;
      case "tool_use":
        this.closeThinkingItem();
        this.emitToolCall(block.id || "toolu_0", block.name ?? "", JSON.stringify(block.input && typeof block.input === "object" ? block.input : {}));
        return;
      default:
        this.ignore(block?.type ?? "unknown");
    }
  }

  private emitToolCall(id: string, upstreamName: string, args: string): void {
    this.closeThinkingItem();
    const resolved = this.tools.resolve(upstreamName || "unknown_tool");
    if (resolved.kind === "custom") {
      this.writer.emitCustomToolCall(id, resolved.name, extractCustomToolInput(args));
      return;
    }
    if (resolved.hosted === "local_shell") {
      // The hosted tool was exposed as a function; Codex runs it only as a local_shell_call item.
      this.writer.emitLocalShellCall(id, localShellActionFromArguments(args));
      return;
    }
    const h = this.writer.openFunctionCall(id, resolved.name, resolved.namespace);
    this.writer.appendFunctionArgs(h, args);
    this.writer.closeFunctionCall(h);
  }

  /** Closes the open reasoning item, putting its signed blocks into `encrypted_content`. */
  private closeThinkingItem(): void {
    if (!this.writer.reasoningOpen) return;
    const enc = this.signed.length ? encodeAnthropicThinking(this.opts.model, this.signed) : null;
    this.signed = [];
    this.writer.closeReasoning(enc);
  }

  private ignore(type: string): void {
    if (this.ignoredTypes.has(type)) return;
    this.ignoredTypes.add(type);
    this.opts.notes?.push(`ignored Anthropic content block ${type}`);
  }

  private finalize(): void {
    if (this.writer.finished) return;
    // Blocks still open at message_stop were never finished: thinking is kept, a tool call
    // with possibly partial input is dropped.
    for (const b of this.blocks.values()) if (b.kind === "thinking" || b.kind === "redacted") this.finishBlock(b);
    this.blocks.clear();
    this.closeThinkingItem();
    const usage = mapAnthropicUsage(this.usage ?? {});
    if (this.compaction) {
      // Codex needs exactly one compaction item; thinking and tool calls are left out.
      const summary = this.compaction.join("").trim();
      if (!summary) this.writer.fail("server_error", `Compaction failed: ${this.opts.where} returned an empty summary.`);
      else {
        this.writer.emitCompaction(encodeCompactionSummary(summary, this.opts.compactionFor!));
        this.writer.complete(usage);
      }
      return;
    }
    switch (this.stopReason) {
      case "max_tokens":
        this.writer.incomplete("max_output_tokens", usage);
        return;
      case "refusal": {
        const d = this.stopDetails;
        const why = d?.explanation ? `: ${d.explanation}` : ".";
        this.writer.appendRefusal(`The model declined to answer${d?.category ? ` (category: ${d.category})` : ""}${why}`);
        this.writer.incomplete("content_filter", usage);
        return;
      }
      case "model_context_window_exceeded":
        this.writer.fail("context_length_exceeded", `The conversation no longer fits the context window of ${this.opts.where}.`);
        return;
      default:
        if (!this.writer.hasAnswer) {
          // No text and no tool call (thinking alone, or nothing): Codex would end the turn with an
          // empty answer; failing lets it retry.
          this.writer.fail("server_error", `The upstream (${this.opts.where}) returned an empty response (no text, no tool call).`);
          return;
        }
        this.writer.complete(usage);
    }
  }
}
