import type { CustomToolCallSlot, FunctionCallSlot, ResponsesItemWriter } from "../responses/responses-item-writer.ts";
import type { ResponsesUsage } from "../responses/responses-types.ts";
import type { StreamTranslator } from "../routes/upstream-route.ts";
import type { ChatChunk, ChatChunkChoice, ChatDeltaContentPart, ChatToolCallDelta } from "./chat-types.ts";
import type { ToolNameMap } from "./convert-responses-tools-to-chat.ts";
import { mapChatFinishReason } from "./map-chat-finish-reason.ts";
import { mapChatUsage } from "./map-chat-usage.ts";
import { extractCustomToolInput } from "../tools/extract-custom-tool-input.ts";
import { normalizeArguments } from "../tools/normalize-arguments.ts";
import { ThinkTagSplitter } from "./split-think-tags.ts";
import { localShellActionFromArguments } from "../tools/upstream-tool-set.ts";
import { encodeCompactionSummary } from "../compaction/compaction-carrier.ts";
import { classifyUpstreamStreamError } from "../errors/classify-stream-error.ts";
import { encodeChatReasoning } from "./chat-reasoning-carrier.ts";

export interface ChatTranslatorOptions {
  /** Set for a remote-compaction (v2) request: the requested slug the summary is tagged with. */
  compactionFor?: string;
  /** The upstream model, tagged into carried Gemini thought signatures. */
  model?: string;
}

interface PendingCall {
  index: number;
  id: string;
  name: string;
  /** Arguments that arrived before the name was known, or all arguments of a custom tool. */
  buffered: string[];
  handle: FunctionCallSlot | null;
  /** Its input is needed whole before the item can be finished (custom tool, hosted fallback). */
  custom: boolean;
  /** The custom tool call already added to the output, holding its place in the model's order. */
  customHandle?: CustomToolCallSlot;
  /** A Gemini thought signature was already carried for this call. */
  signed?: boolean;
}

/**
 * Chat-completions SSE → Responses items, in one pass per chunk: the one chat chunk decoder. Tool
 * calls are keyed by `index` and `id` (a new id at an index starts a new call); deltas-only,
 * one-shot and mixed providers all work; object-form arguments are serialised, cut arguments
 * repaired, upstream error chunks classified. It writes into a ResponsesItemWriter: the Responses
 * writer for /v1/responses, the Anthropic SSE writer for /v1/messages over chat upstreams.
 */
export class ChatStreamTranslator implements StreamTranslator {
  private readonly calls: PendingCall[] = [];
  private finish: string | null = null;
  private usage: ResponsesUsage | null = null;
  private done = false;
  private callSeq = 0;

  private readonly writer: ResponsesItemWriter;
  private readonly tools: Pick<ToolNameMap, "resolve">;
  private readonly content: ThinkTagSplitter;

  /** Remote-compaction mode: the answer text is the summary, handed back as one `compaction` item. */
  private readonly compaction: { model: string; text: string[] } | null;
  private readonly model: string;

  constructor(writer: ResponsesItemWriter, tools: Pick<ToolNameMap, "resolve">, opts: ChatTranslatorOptions = {}) {
    this.writer = writer;
    this.tools = tools;
    this.model = opts.model ?? "";
    const compaction = opts.compactionFor !== undefined ? { model: opts.compactionFor, text: [] as string[] } : null;
    this.compaction = compaction;
    this.content = compaction
      ? new ThinkTagSplitter(
          () => {},
          (t) => compaction.text.push(t),
        )
      : new ThinkTagSplitter(
          (r) => writer.appendReasoning(r),
          (t) => writer.appendText(t),
        );
  }

  onEvent(data: string): void {
    if (this.writer.finished) return;
    if (data === "[DONE]") {
      this.done = true;
      this.finalize();
      return;
    }
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      return; // a garbage line between valid events: skip it, the end-of-stream check still applies
    }
    if (chunk === null || typeof chunk !== "object") return;
    if (chunk.error) {
      const { code, message } = classifyUpstreamStreamError(chunk.error);
      this.writer.fail(code, message);
      return;
    }
    if (chunk.usage) this.usage = mapChatUsage(chunk.usage);
    else if (chunk.x_groq?.usage) this.usage = mapChatUsage(chunk.x_groq.usage);
    const choices = chunk.choices;
    if (choices) for (let i = 0; i < choices.length; i++) this.onChoice(choices[i], false);
  }

  onJsonBody(body: unknown): void {
    const b = body as ChatChunk;
    if (b && typeof b === "object" && b.error) {
      const { code, message } = classifyUpstreamStreamError(b.error);
      this.writer.fail(code, message);
      return;
    }
    if (b?.usage) this.usage = mapChatUsage(b.usage);
    for (const c of b?.choices ?? []) this.onChoice(c, true);
    this.done = true;
    this.finalize();
  }

  onEnd(): void {
    if (this.writer.finished) return;
    // No [DONE]: a finish_reason still shows the answer is whole; without one it was cut off.
    if (this.finish !== null) this.finalize();
    else this.writer.fail("server_error", "The upstream stream ended before the response was complete.");
  }

  private onChoice(c: ChatChunkChoice, whole: boolean): void {
    if ((c.index ?? 0) !== 0) return; // n > 1 is never requested
    const d = whole ? c.message : c.delta;
    if (d) {
      const reasoning = d.reasoning_content ?? d.reasoning;
      if (typeof reasoning === "string" && reasoning && !this.compaction) this.writer.appendReasoning(reasoning);
      const content = d.content;
      if (typeof content === "string") {
        if (content) this.content.feed(content);
      } else if (Array.isArray(content)) this.onContentParts(content);
      if (typeof d.refusal === "string" && d.refusal) this.writer.appendRefusal(d.refusal);
      if (d.tool_calls) {
        if (this.calls.length === 0) this.content.flush();
        for (let i = 0; i < d.tool_calls.length; i++) this.onToolCallDelta(d.tool_calls[i], i);
      }
    }
    if (c.finish_reason) this.finish = c.finish_reason;
  }

  /** Mistral-style array content: `text` parts and `thinking` parts (themselves text or text parts). */
  private onContentParts(parts: ChatDeltaContentPart[]): void {
    for (const p of parts) {
      if (p.type === "text" && typeof p.text === "string" && p.text) this.content.feed(p.text);
      else if (p.type === "thinking") {
        const t = (p as { thinking?: unknown }).thinking;
        if (typeof t === "string") this.writer.appendReasoning(t);
        else if (Array.isArray(t)) for (const x of t) if (typeof x?.text === "string" && x.text) this.writer.appendReasoning(x.text);
      }
    }
  }

  private onToolCallDelta(t: ChatToolCallDelta, position: number): void {
    const id = t.id || undefined;
    let call: PendingCall | undefined;
    if (typeof t.index === "number") {
      // Same index: same call, unless a different id arrives (some providers reuse index 0).
      for (let i = this.calls.length - 1; i >= 0; i--) {
        const c = this.calls[i];
        if (c.index === t.index) {
          if (!id || c.id === id) call = c;
          break;
        }
      }
    } else if (id) {
      call = this.calls.find((c) => c.id === id);
    } else {
      call = this.calls[this.calls.length - 1];
    }
    if (!call) {
      call = { index: t.index ?? this.calls.length + position, id: id ?? `call_${++this.callSeq}`, name: "", buffered: [], handle: null, custom: false };
      this.calls.push(call);
    }
    const sig = t.extra_content?.google?.thought_signature;
    if (typeof sig === "string" && sig && !call.handle && !call.signed && !this.compaction) {
      call.signed = true;
      this.carrySignature(call.id, sig);
    }
    const fn = t.function;
    if (fn?.name && !call.handle && !call.custom) call.name += fn.name;
    // Some servers (Ollama and friends) send the arguments as an object instead of a JSON string.
    const rawArgs = fn?.arguments as unknown;
    const args = rawArgs !== null && typeof rawArgs === "object" ? JSON.stringify(rawArgs) : rawArgs;
    // Compaction answers with one compaction item only: tool calls are never opened there.
    if (!call.handle && !call.custom && call.name && !this.compaction) {
      const resolved = this.tools.resolve(call.name);
      // Custom tools and hosted fallbacks need the whole input before Codex can get the item. A
      // custom call is added now all the same, so its output_index follows the model's order.
      if (resolved.kind === "custom") {
        call.custom = true;
        call.customHandle = this.writer.openCustomToolCall(call.id, resolved.name);
      } else if (resolved.hosted) call.custom = true;
      else {
        call.handle = this.writer.openFunctionCall(call.id, resolved.name, resolved.namespace);
        if (call.buffered.length) {
          this.writer.appendFunctionArgs(call.handle, call.buffered.join(""));
          call.buffered.length = 0;
        }
      }
    }
    if (typeof args === "string" && args) {
      if (call.handle) this.writer.appendFunctionArgs(call.handle, args);
      else call.buffered.push(args);
    }
  }

  /**
   * Gemini's `thought_signature` must go back with its call. Codex replays only reasoning items'
   * `encrypted_content`, so the signature goes into a reasoning item placed before the call.
   */
  private carrySignature(callId: string, signature: string): void {
    const sigs = { [callId]: signature };
    if (!this.writer.reasoningOpen) this.writer.openReasoning();
    this.writer.closeReasoning((text) => encodeChatReasoning(this.model, text, sigs));
  }

  private finalize(): void {
    if (this.writer.finished) return;
    this.content.flush();
    if (this.compaction) {
      // Codex needs exactly one compaction item; tool calls and reasoning are left out.
      const summary = this.compaction.text.join("").trim();
      if (!summary) this.writer.fail("server_error", "Compaction failed: the upstream returned an empty summary.");
      else {
        this.writer.emitCompaction(encodeCompactionSummary(summary, this.compaction.model));
        this.writer.complete(this.usage);
      }
      return;
    }
    for (const c of this.calls) {
      if (c.handle) {
        this.writer.closeFunctionCall(c.handle, normalizeArguments(c.handle.args.join("")));
      } else if (c.customHandle) {
        this.writer.closeCustomToolCall(c.customHandle, extractCustomToolInput(c.buffered.join("")));
      } else if (c.custom) {
        this.writer.emitLocalShellCall(c.id, localShellActionFromArguments(c.buffered.join("")));
      } else if (c.name || c.buffered.length) {
        const h = this.writer.openFunctionCall(c.id, c.name || "unknown_tool");
        this.writer.closeFunctionCall(h, normalizeArguments(c.buffered.join("")));
      }
    }
    const f = mapChatFinishReason(this.finish);
    if (!this.writer.hasAnswer && f.status === "completed") {
      // Nothing (seen with some providers under many tools), or reasoning alone: fail so Codex
      // retries, instead of ending the turn with an empty answer ("no last agent message").
      this.writer.fail("server_error", "The upstream returned an empty response (no text, no tool call).");
      return;
    }
    if (f.status === "incomplete") this.writer.incomplete(f.reason, this.usage);
    else this.writer.complete(this.usage);
  }
}
