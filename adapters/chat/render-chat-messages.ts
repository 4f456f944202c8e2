import type { AssistantTurn, CallInput, Part, ReasoningCarrier, ToolCall, Turn } from "../conversation/conversation-types.ts";
import type { UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { toUpstreamName } from "../tools/upstream-tool-set.ts";
import { clampImageDetail, IMAGE_OMITTED_NOTE } from "../tools/image-parts.ts";
import type { ChatAssistantMessage, ChatContentPart, ChatImagePart, ChatMessage, ChatToolCall } from "./chat-types.ts";
import { normalizeArguments, parseJsonObject } from "../tools/normalize-arguments.ts";

export interface ChatRenderOptions {
  notes: string[];
  /** Replace images with a short note (models without vision). */
  noImages: boolean;
  /** Upstream function names for replayed calls (flattened namespaces, custom tools). */
  toolNames?: Pick<UpstreamToolSet, "upstreamNameFor">;
  /**
   * The upstream model of this request. Reasoning this same model produced (carried in the
   * reasoning item's `encrypted_content`) is sent back as `reasoning_content` on the assistant
   * tool-call message that follows it; reasoning from any other model is never replayed.
   */
  upstreamModel?: string;
  /**
   * Gemini (Google's OpenAI endpoint): a tool-call turn whose first call has no thought signature
   * of this model (history from another model, or compacted) gets Google's documented
   * `skip_thought_signature_validator` sentinel instead of a 400.
   */
  geminiSignatureFallback?: boolean;
}

/** Google's documented placeholder for a function call whose thought signature is unknown. */
export const GEMINI_SKIP_SIGNATURE = "skip_thought_signature_validator";

const LIFTED_IMAGES_HEADER = "Images returned by the tool calls above:";

/**
 * Arguments of a replayed call as a JSON object string: strict providers (Qwen, vLLM) reject the
 * whole request when a past call's arguments are not JSON, which would poison the session. Cut-off
 * JSON is closed; anything else is wrapped as `{"_raw": …}` so the model still sees what it sent.
 */
function replayArguments(input: CallInput): string {
  if (input.kind === "object") return JSON.stringify(input.value);
  const args = input.text;
  if (!args.trim()) return "{}";
  if (isJsonObject(args)) return args;
  const fixed = normalizeArguments(args);
  return fixed !== args && isJsonObject(fixed) ? fixed : JSON.stringify({ _raw: args });
}

function isJsonObject(s: string): boolean {
  return parseJsonObject(s) !== null;
}

function imagePart(url: string, detail: unknown): ChatImagePart {
  return { type: "image_url", image_url: detail === undefined ? { url } : { url, detail: clampImageDetail(detail) } };
}

/** User content: a string when there is no image, else parts. Without vision an image is a note in its place. */
function userContent(parts: readonly Part[], noImages: boolean): string | ChatContentPart[] {
  if (noImages || !parts.some((p) => p.type === "image")) return parts.map((p) => (p.type === "text" ? p.text : IMAGE_OMITTED_NOTE)).join("\n");
  return parts.map((p): ChatContentPart => (p.type === "text" ? { type: "text", text: p.text } : imagePart(p.url, p.detail)));
}

/**
 * Neutral turns → chat messages:
 * - an assistant turn becomes one assistant message with N `tool_calls` (text and reasoning
 *   before the calls included), followed by the N `tool` messages in call order; text after a
 *   call, or reasoning after text or a call, starts the next assistant message;
 * - reasoning goes back (as `reasoning_content`) only with tool calls, and only to the model that
 *   produced it (DeepSeek/Kimi require it there; some providers reject it elsewhere);
 * - a call without a result gets "(no output: the call was not executed)": strict providers
 *   reject unanswered calls;
 * - images in tool results are lifted into a user message after the tool messages (tool
 *   messages carry text);
 * - consecutive system/user messages are merged (strict providers reject them in some places).
 */
export function renderChatMessages(turns: readonly Turn[], opts: ChatRenderOptions): ChatMessage[] {
  const r = new ChatRenderer(opts);
  for (const t of turns) {
    if (t.role === "assistant") r.assistant(t);
    else {
      // Reasoning belongs to the assistant turn that follows it, not across a client message.
      r.pendingReasoning = null;
      r.out.push(t.role === "system" ? { role: "system", content: t.parts.map((p) => p.text).join("\n") } : { role: "user", content: userContent(t.parts, opts.noImages) });
    }
  }
  const out = r.out;
  if (!out.length) out.push({ role: "user", content: "" });
  if (opts.geminiSignatureFallback)
    for (const m of out) {
      const first = m.role === "assistant" ? m.tool_calls?.[0] : undefined;
      if (first && !first.extra_content?.google?.thought_signature) first.extra_content = { google: { thought_signature: GEMINI_SKIP_SIGNATURE } };
    }
  const merged = mergeSameRole(out);
  if (r.pendingReasoning !== null) notePendingReasoning(merged);
  return merged;
}

/**
 * Renderings that ended with replayable reasoning not yet placed: a paired tool result is no
 * turn, so the whole rendering of a longer history would carry it into the next assistant turn;
 * such messages cannot be continued by appending (continue-chat-messages.ts).
 */
const pendingAtEnd = new WeakSet<readonly ChatMessage[]>();

export function notePendingReasoning(messages: readonly ChatMessage[]): void {
  pendingAtEnd.add(messages);
}

export function endsWithPendingReasoning(messages: readonly ChatMessage[]): boolean {
  return pendingAtEnd.has(messages);
}

class ChatRenderer {
  readonly out: ChatMessage[] = [];
  pendingReasoning: string | null = null;
  /** Gemini thought signatures of this model, by call id (they ride in reasoning items before the call). */
  private readonly signatures: Record<string, string> = Object.create(null);
  private cur: ChatAssistantMessage | null = null;
  private readonly calls: ToolCall[] = [];
  private foreignNoted = false;
  private readonly opts: ChatRenderOptions;

  constructor(opts: ChatRenderOptions) {
    this.opts = opts;
  }

  assistant(turn: AssistantTurn): void {
    for (const s of turn.steps) {
      if (s.type === "reasoning") {
        const text = this.replayable(s.carrier);
        // A signature-only item (Gemini) sits between parallel calls: it must not split them.
        if (!text) continue;
        if (this.cur && (this.cur.tool_calls?.length || this.cur.content)) this.flush();
        this.pendingReasoning = this.pendingReasoning ? this.pendingReasoning + text : text;
      } else if (s.type === "text") {
        if (this.cur?.tool_calls?.length) this.flush();
        const cur = this.message();
        const text = s.parts.map((p) => p.text).join("\n");
        cur.content = cur.content ? `${cur.content}\n\n${text}` : text;
      } else {
        const c = s.call;
        const call: ChatToolCall = { id: c.callId, type: "function", function: { name: this.nameFor(c), arguments: replayArguments(c.input) } };
        const sig = this.signatures[c.callId];
        if (sig) call.extra_content = { google: { thought_signature: sig } };
        (this.message().tool_calls ??= []).push(call);
        this.calls.push(c);
      }
    }
    this.flush();
  }

  /** The reasoning text this upstream model may get back, if any (signatures are collected). */
  private replayable(c: ReasoningCarrier): string | undefined {
    if (c.kind === "client") return c.text;
    if (c.kind === "chat" && this.opts.upstreamModel && c.model === this.opts.upstreamModel) {
      if (c.signatures) Object.assign(this.signatures, c.signatures);
      return c.text;
    }
    if (c.kind !== "none" && !this.foreignNoted) {
      this.foreignNoted = true;
      this.opts.notes.push("reasoning from another model not replayed");
    }
    return undefined;
  }

  private nameFor(c: ToolCall): string {
    const names = this.opts.toolNames;
    return names ? names.upstreamNameFor({ name: c.name, namespace: c.namespace }) : toUpstreamName(c.namespace ? `${c.namespace}__${c.name}` : c.name);
  }

  private message(): ChatAssistantMessage {
    if (!this.cur) {
      this.cur = { role: "assistant", content: null };
      if (this.pendingReasoning !== null) this.cur.reasoning_content = this.pendingReasoning;
      this.pendingReasoning = null;
    }
    return this.cur;
  }

  /** The assistant message, then one tool message per call in call order, then lifted images. */
  private flush(): void {
    const a = this.cur;
    if (!a) return;
    this.cur = null;
    if (!a.tool_calls?.length) delete a.reasoning_content;
    this.out.push(a);
    const images: ChatContentPart[] = [];
    for (const c of this.calls) this.out.push({ role: "tool", tool_call_id: c.callId, content: this.resultText(c, images) });
    this.calls.length = 0;
    if (images.length) this.out.push({ role: "user", content: [{ type: "text", text: LIFTED_IMAGES_HEADER }, ...images] });
  }

  private resultText(c: ToolCall, images: ChatContentPart[]): string {
    const r = c.result;
    if (!r) {
      this.opts.notes.push(`tool call ${c.callId} had no output in history`);
      return "(no output: the call was not executed)";
    }
    let text: string;
    let hasImages = false;
    if (typeof r.output === "string") text = r.output;
    else {
      const texts: string[] = [];
      for (const p of r.output) {
        if (p.type === "text") texts.push(p.text);
        else {
          if (!this.opts.noImages) images.push(imagePart(p.url, p.detail));
          hasImages = true;
        }
      }
      text = texts.join("\n");
    }
    if (r.isError) text = `Error: ${text}`;
    if (!hasImages) return text || "(no output)";
    if (!this.opts.noImages) return text || "(see the image below)";
    // The note stays inside the tool message: a user message here would split parallel calls' answers.
    return text ? `${text}\n${IMAGE_OMITTED_NOTE}` : IMAGE_OMITTED_NOTE;
  }
}

/** Strict providers reject consecutive system/user messages in some positions; merge them. */
function mergeSameRole(msgs: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of msgs) {
    const prev = out[out.length - 1];
    if (prev && (prev.role === "system" || prev.role === "user") && prev.role === m.role) {
      const a = prev.content;
      const b = m.content as string | ChatContentPart[];
      // The renderer made every parts array here, so appending in place is safe (and linear).
      if (Array.isArray(a)) a.push(...asParts(b));
      else (prev as { content: string | ChatContentPart[] }).content = mergedContent(a, b);
      continue;
    }
    out.push(m);
  }
  return out;
}

/** Two system/user contents as one, as consecutive messages are merged (neither is modified). */
export function mergedContent(a: string | ChatContentPart[], b: string | ChatContentPart[]): string | ChatContentPart[] {
  if (typeof a === "string" && typeof b === "string") return a && b ? `${a}\n\n${b}` : a || b;
  return [...asParts(a), ...asParts(b)];
}

function asParts(c: string | ChatContentPart[]): ChatContentPart[] {
  return typeof c === "string" ? (c ? [{ type: "text", text: c }] : []) : c;
}
