import type { ContentPart, InputItem, MessageItem, ResponsesRequest, ToolOutput } from "../responses/responses-types.ts";
import type { UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { CUSTOM_TOOL_PARAM, toUpstreamName } from "../tools/upstream-tool-set.ts";
import { clampImageDetail, imageUrlOf, IMAGE_OMITTED_NOTE } from "../tools/image-parts.ts";
import { decodeCompactionSummary, summaryAsUserText } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";
import type { ChatAssistantMessage, ChatContentPart, ChatMessage, ChatToolCall, ChatToolMessage } from "./chat-types.ts";
import { decodeChatReasoning } from "./chat-reasoning-carrier.ts";
import { normalizeArguments } from "./translate-chat-stream-to-responses.ts";

export { clampImageDetail };

export interface InputConversionOptions {
  /** Replace images with a short note (models without vision). */
  noImages: boolean;
  notes: string[];
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

/** Strips NUL and other C0 controls (except tab, CR, LF) that strict providers reject. */
export function sanitizeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s) ? s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "") : s;
}

const IMAGE_OMITTED = IMAGE_OMITTED_NOTE;

/** Responses content parts → chat parts (text joined to a string when there is no image). */
export function convertContent(content: string | ContentPart[] | undefined | null, opts: Pick<InputConversionOptions, "noImages">): string | ChatContentPart[] {
  if (content == null) return "";
  if (typeof content === "string") return sanitizeText(content);
  const parts: ChatContentPart[] = [];
  let hasImage = false;
  for (const p of content) {
    const t = p.type;
    if (t === "input_text" || t === "output_text" || t === "text") {
      const text = (p as { text?: unknown }).text;
      if (typeof text === "string" && text !== "") parts.push({ type: "text", text: sanitizeText(text) });
    } else if (t === "refusal") {
      const r = (p as { refusal?: unknown }).refusal;
      if (typeof r === "string" && r) parts.push({ type: "text", text: r });
    } else if (t === "input_image" || t === "image_url") {
      const url = imageUrlOf(p as { image_url?: unknown });
      if (!url) continue;
      if (opts.noImages) {
        parts.push({ type: "text", text: IMAGE_OMITTED });
        continue;
      }
      hasImage = true;
      parts.push({ type: "image_url", image_url: { url, detail: clampImageDetail((p as { detail?: unknown }).detail) } });
    }
  }
  if (hasImage) return parts;
  return parts.map((p) => (p as { text: string }).text).join("\n");
}

/** Tool output (string or parts) → the text of a `tool` message. Images are lifted separately. */
export function toolOutputText(output: ToolOutput | undefined): { text: string; images: ChatContentPart[] } {
  if (output == null) return { text: "", images: [] };
  if (typeof output === "string") return { text: sanitizeText(output), images: [] };
  if (!Array.isArray(output)) return { text: sanitizeText(JSON.stringify(output)), images: [] };
  const texts: string[] = [];
  const images: ChatContentPart[] = [];
  for (const p of output) {
    if (p.type === "input_text" || p.type === "output_text" || p.type === "text") {
      const t = (p as { text?: unknown }).text;
      if (typeof t === "string") texts.push(sanitizeText(t));
    } else if (p.type === "input_image" || p.type === "image_url") {
      const url = imageUrlOf(p as { image_url?: unknown });
      if (url) images.push({ type: "image_url", image_url: { url, detail: clampImageDetail((p as { detail?: unknown }).detail) } });
    }
  }
  return { text: texts.join("\n"), images };
}

/**
 * Arguments of a replayed call as a JSON object string: strict providers (Qwen, vLLM) reject the
 * whole request when a past call's arguments are not JSON, which would poison the session. Cut-off
 * JSON is closed; anything else is wrapped as `{"_raw": …}` so the model still sees what it sent.
 */
function replayArguments(args: string): string {
  if (!args.trim()) return "{}";
  const isObject = (s: string) => {
    try {
      const v = JSON.parse(s) as unknown;
      return v !== null && typeof v === "object" && !Array.isArray(v);
    } catch {
      return false;
    }
  };
  if (isObject(args)) return args;
  const fixed = normalizeArguments(args);
  return fixed !== args && isObject(fixed) ? fixed : JSON.stringify({ _raw: args });
}

function roleOf(m: MessageItem): "system" | "user" | "assistant" {
  return m.role === "developer" || m.role === "system" ? "system" : m.role === "assistant" ? "assistant" : "user";
}

function textOf(content: string | ChatContentPart[]): string {
  return typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : "")).filter(Boolean).join("\n");
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/**
 * Responses input → chat messages.
 * - Consecutive calls (function, custom, local_shell; and any text/reasoning before them) become
 *   one assistant message with N `tool_calls`, followed by the N `tool` messages in call order.
 * - `custom_tool_call` (apply_patch) replays as a call of the exposed function with `{"input": raw}`.
 * - Namespaced calls replay under their flattened upstream name.
 * - Images in tool outputs are lifted into a user message after the tool messages.
 * - Hosted-tool history (web search, image generation, tool search) becomes a short text note.
 * - A shim `compaction` item becomes a user message carrying the summary.
 */
export function convertResponsesInputToChatMessages(req: ResponsesRequest, opts: InputConversionOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof req.instructions === "string" && req.instructions.trim()) out.push({ role: "system", content: sanitizeText(req.instructions) });
  const input = req.input;
  if (typeof input === "string") {
    out.push({ role: "user", content: sanitizeText(input) });
    return out;
  }
  const nameFor = (name: string, namespace?: string) =>
    opts.toolNames ? opts.toolNames.upstreamNameFor({ name, namespace }) : toUpstreamName(namespace ? `${namespace}__${name}` : name);
  const noted = new Set<string>();
  /** Gemini thought signatures of this model, by call id (they ride in reasoning items before the call). */
  const signatures: Record<string, string> = Object.create(null);
  const note = (n: string) => {
    if (!noted.has(n)) {
      noted.add(n);
      opts.notes.push(n);
    }
  };

  let pendingAssistant: ChatAssistantMessage | null = null;
  let pendingReasoning: string | null = null;
  const pendingImages: ChatContentPart[] = [];
  const flushAssistant = () => {
    const a = pendingAssistant;
    pendingAssistant = null;
    if (!a) return;
    // Thinking goes back only with tool calls (DeepSeek/Kimi require it there; some reject it elsewhere).
    if (!a.tool_calls?.length) delete a.reasoning_content;
    out.push(a);
  };
  const assistant = (): ChatAssistantMessage => {
    if (!pendingAssistant) {
      pendingAssistant = { role: "assistant", content: null };
      if (pendingReasoning !== null) pendingAssistant.reasoning_content = pendingReasoning;
      pendingReasoning = null;
    }
    return pendingAssistant;
  };
  const flushImages = () => {
    if (!pendingImages.length) return;
    out.push({ role: "user", content: [{ type: "text", text: "Images returned by the tool calls above:" }, ...pendingImages.splice(0)] });
  };
  const addCall = (id: string, name: string, args: string) => {
    flushImages();
    const cur = assistant();
    const call: ChatToolCall = { id: sanitizeText(id), type: "function", function: { name, arguments: replayArguments(sanitizeText(args)) } };
    const sig = signatures[id];
    if (sig) call.extra_content = { google: { thought_signature: sig } };
    (cur.tool_calls ??= []).push(call);
  };
  const addOutput = (callId: string, output: ToolOutput | undefined) => {
    flushAssistant();
    const { text, images } = toolOutputText(output);
    if (images.length && opts.noImages) {
      // The note stays inside the tool message: a user message here would split parallel calls' answers.
      out.push({ role: "tool", tool_call_id: sanitizeText(callId), content: text ? `${text}\n${IMAGE_OMITTED}` : IMAGE_OMITTED });
      return;
    }
    out.push({ role: "tool", tool_call_id: sanitizeText(callId), content: text || (images.length ? "(see the image below)" : "(no output)") });
    if (images.length) pendingImages.push(...images);
  };
  const addAssistantText = (text: string) => {
    if (!text) return;
    const a = pendingAssistant as ChatAssistantMessage | null;
    if (a && a.tool_calls?.length) flushAssistant();
    flushImages();
    const cur = assistant();
    cur.content = cur.content ? `${cur.content}\n\n${text}` : text;
  };
  const addUser = (content: string | ChatContentPart[]) => {
    flushAssistant();
    flushImages();
    pendingReasoning = null;
    out.push({ role: "user", content });
  };

  for (const raw of input ?? []) {
    if (typeof raw === "string") {
      addUser(sanitizeText(raw));
      continue;
    }
    const item = raw as InputItem & Record<string, unknown>;
    const type = (item.type as string | undefined) ?? "message";
    switch (type) {
      case "message": {
        const m = item as MessageItem;
        const role = roleOf(m);
        const content = convertContent(m.content, opts);
        if (role === "assistant") {
          addAssistantText(textOf(content));
          continue;
        }
        flushAssistant();
        flushImages();
        pendingReasoning = null;
        out.push(role === "system" ? { role: "system", content: textOf(content) } : { role: "user", content });
        continue;
      }
      case "input_text":
      case "input_image":
        addUser(convertContent([item as ContentPart], opts));
        continue;
      case "reasoning": {
        const carried = decodeChatReasoning(item.encrypted_content);
        if (carried && opts.upstreamModel && carried.model === opts.upstreamModel) {
          if (carried.signatures) Object.assign(signatures, carried.signatures);
          // A signature-only item (Gemini) sits between parallel calls: it must not split them.
          if (!carried.text) continue;
          // Reasoning belongs to the assistant turn that follows it.
          const a = pendingAssistant as ChatAssistantMessage | null;
          if (a && (a.tool_calls?.length || a.content)) flushAssistant();
          pendingReasoning = pendingReasoning ? pendingReasoning + carried.text : carried.text;
        } else if (carried || item.encrypted_content) {
          note("reasoning from another model not replayed");
        }
        continue;
      }
      case "function_call": {
        const fc = item as unknown as { call_id?: string; id?: string; name: string; namespace?: string; arguments?: string };
        addCall(fc.call_id ?? fc.id ?? "call_0", nameFor(fc.name, fc.namespace), fc.arguments ?? "");
        continue;
      }
      case "custom_tool_call": {
        const c = item as unknown as { call_id?: string; id?: string; name: string; input?: string };
        addCall(c.call_id ?? c.id ?? "call_0", nameFor(c.name), JSON.stringify({ [CUSTOM_TOOL_PARAM]: c.input ?? "" }));
        continue;
      }
      case "local_shell_call": {
        const action = (item.action ?? {}) as { command?: unknown; working_directory?: unknown; timeout_ms?: unknown };
        const args: Record<string, unknown> = { command: Array.isArray(action.command) ? action.command : [] };
        if (typeof action.working_directory === "string") args.workdir = action.working_directory;
        if (typeof action.timeout_ms === "number") args.timeout_ms = action.timeout_ms;
        addCall(str(item.call_id) ?? str(item.id) ?? "call_0", "local_shell", JSON.stringify(args));
        continue;
      }
      case "tool_search_call": {
        const args = item.arguments;
        addCall(str(item.call_id) ?? str(item.id) ?? "call_0", "tool_search", typeof args === "string" ? args : JSON.stringify(args ?? {}));
        continue;
      }
      case "function_call_output":
      case "custom_tool_call_output":
      case "local_shell_call_output": {
        addOutput(str(item.call_id) ?? str(item.id) ?? "call_0", item.output as ToolOutput);
        continue;
      }
      case "tool_search_output": {
        const tools = Array.isArray(item.tools) ? (item.tools as { name?: unknown }[]).map((t) => t?.name).filter((n) => typeof n === "string") : [];
        addOutput(str(item.call_id) ?? "call_0", tools.length ? `Tools now available: ${tools.join(", ")}` : "No tools found.");
        continue;
      }
      case "web_search_call": {
        const action = (item.action ?? {}) as { query?: unknown; url?: unknown };
        const what = typeof action.query === "string" ? `searched the web for "${action.query}"` : typeof action.url === "string" ? `opened ${action.url}` : "used web search";
        addAssistantText(`[${what}]`);
        continue;
      }
      case "image_generation_call": {
        const prompt = str(item.revised_prompt);
        addAssistantText(prompt ? `[generated an image: ${prompt}]` : "[generated an image]");
        continue;
      }
      case "compaction":
      case "compaction_summary": {
        const c = decodeCompactionSummary(item.encrypted_content);
        if (c) addUser(summaryAsUserText(c.summary));
        else note("foreign compaction item not replayed (it can only be read by the provider that made it)");
        continue;
      }
      case "compaction_trigger":
        // Remote compaction v2 (provider named "OpenAI"): ask this model for the summary.
        addUser(COMPACTION_PROMPT);
        continue;
      default:
        note(`dropped input item ${type}`);
        continue;
    }
  }
  flushAssistant();
  flushImages();
  if (!out.length) out.push({ role: "user", content: "" });
  if (opts.geminiSignatureFallback)
    for (const m of out) {
      const first = m.role === "assistant" ? m.tool_calls?.[0] : undefined;
      if (first && !first.extra_content?.google?.thought_signature) first.extra_content = { google: { thought_signature: GEMINI_SKIP_SIGNATURE } };
    }
  return mergeSameRole(repairToolPairs(out, opts.notes));
}

/**
 * Strict providers reject a `tool_calls` message not followed by a tool message for each call, and
 * tool messages that answer nothing. Codex history can contain both (a turn interrupted mid-call,
 * outputs finished in a different order, history trimmed by compaction): put tool messages in call
 * order, add "no output" answers for missing ones, and turn orphan outputs into user text.
 */
function repairToolPairs(msgs: ChatMessage[], notes: string[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  let i = 0;
  while (i < msgs.length) {
    const m = msgs[i];
    if (m.role === "assistant" && m.tool_calls?.length) {
      out.push(m);
      i++;
      const answers = new Map<string, ChatToolMessage>();
      const trailing: ChatMessage[] = [];
      // Tool messages directly after the call (images lifted into a user message may sit between them).
      while (i < msgs.length && (msgs[i].role === "tool" || isLiftedImages(msgs[i]))) {
        const t = msgs[i] as ChatToolMessage;
        if (t.role === "tool") {
          if (m.tool_calls.some((c) => c.id === t.tool_call_id) && !answers.has(t.tool_call_id)) answers.set(t.tool_call_id, t);
          else trailing.push(orphanToUser(t));
        } else trailing.push(msgs[i]);
        i++;
      }
      for (const c of m.tool_calls) {
        const t = answers.get(c.id);
        if (t) out.push(t);
        else {
          notes.push(`tool call ${c.id} had no output in history`);
          out.push({ role: "tool", tool_call_id: c.id, content: "(no output: the call was not executed)" });
        }
      }
      out.push(...trailing);
      continue;
    }
    if (m.role === "tool") {
      out.push(orphanToUser(m));
      i++;
      continue;
    }
    out.push(m);
    i++;
  }
  return out;
}

function isLiftedImages(m: ChatMessage): boolean {
  return m.role === "user" && Array.isArray(m.content) && m.content[0]?.type === "text" && m.content[0].text === "Images returned by the tool calls above:";
}

function orphanToUser(t: ChatToolMessage): ChatMessage {
  const text = typeof t.content === "string" ? t.content : textOf(t.content);
  return { role: "user", content: `Output of an earlier tool call (${t.tool_call_id}):\n${text}` };
}

/** Strict providers reject consecutive system/user messages in some positions; merge them. */
function mergeSameRole(msgs: ChatMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of msgs) {
    const prev = out[out.length - 1];
    if (prev && prev.role === m.role && (m.role === "system" || m.role === "user")) {
      const a = prev.content as string | ChatContentPart[];
      const b = m.content as string | ChatContentPart[];
      if (typeof a === "string" && typeof b === "string") (prev as { content: string }).content = a && b ? `${a}\n\n${b}` : a || b;
      else (prev as { content: ChatContentPart[] }).content = [...asParts(a), ...asParts(b)];
      continue;
    }
    out.push(m);
  }
  return out;
}

function asParts(c: string | ChatContentPart[]): ChatContentPart[] {
  return typeof c === "string" ? (c ? [{ type: "text", text: c }] : []) : c;
}

export type { InputItem };
