import type { ContentPart, MessageItem, ResponsesRequest, ToolOutput } from "../responses/responses-types.ts";
import type { UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { CUSTOM_TOOL_PARAM } from "../tools/upstream-tool-set.ts";
import { sanitizeText } from "../chat/convert-responses-input-to-chat-messages.ts";
import { decodeAnthropicThinking } from "./anthropic-thinking-carrier.ts";
import { decodeCompactionSummary, summaryAsUserText } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from "./anthropic-types.ts";

export interface AnthropicInputOptions {
  /** The upstream model: thinking blocks are only replayed to the model that signed them. */
  model: string;
  noImages: boolean;
  tools: UpstreamToolSet;
  notes: string[];
}

export interface AnthropicConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

const IMAGE_OMITTED = "[image omitted: this model does not accept images]";
const SUPPORTED_MEDIA = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const NO_RESULT = "No result was recorded for this tool call (it was interrupted).";

/** Anthropic ids must match `^[a-zA-Z0-9_-]+$`; calls and results are mapped the same way. */
export function toAnthropicToolId(callId: string): string {
  const s = String(callId ?? "").replace(/[^a-zA-Z0-9_-]/g, "_");
  return s || "call_0";
}

function imageUrlOf(p: { image_url?: unknown; url?: unknown }): string | undefined {
  const u = p.image_url;
  if (typeof u === "string") return u;
  if (u && typeof u === "object" && typeof (u as { url?: unknown }).url === "string") return (u as { url: string }).url;
  return typeof p.url === "string" ? p.url : undefined;
}

/** A Responses image part → an Anthropic image block, a placeholder text, or nothing. */
function imageBlock(p: ContentPart, opts: AnthropicInputOptions): AnthropicImageBlock | AnthropicTextBlock | null {
  const url = imageUrlOf(p as { image_url?: unknown });
  if (!url) {
    opts.notes.push("image without a URL dropped (file_id images are not supported)");
    return null;
  }
  if (opts.noImages) return { type: "text", text: IMAGE_OMITTED };
  const data = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (data) {
    const mediaType = data[1].toLowerCase() === "image/jpg" ? "image/jpeg" : data[1].toLowerCase();
    if (!SUPPORTED_MEDIA.has(mediaType)) {
      opts.notes.push(`image of type ${mediaType} dropped (Anthropic takes jpeg, png, gif, webp)`);
      return { type: "text", text: `[image of unsupported type ${mediaType} omitted]` };
    }
    return { type: "image", source: { type: "base64", media_type: mediaType, data: data[2] } };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  opts.notes.push("image with an unusable URL dropped");
  return null;
}

function contentBlocks(content: string | ContentPart[] | undefined | null, opts: AnthropicInputOptions, allowImages: boolean): (AnthropicTextBlock | AnthropicImageBlock)[] {
  if (content == null) return [];
  // The API rejects text blocks that are empty or only whitespace.
  if (typeof content === "string") return content.trim() ? [{ type: "text", text: sanitizeText(content) }] : [];
  const out: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  for (const p of content) {
    const t = p.type;
    if (t === "input_text" || t === "output_text" || t === "text") {
      const text = (p as { text?: unknown }).text;
      if (typeof text === "string" && text.trim() !== "") out.push({ type: "text", text: sanitizeText(text) });
    } else if (t === "refusal") {
      const r = (p as { refusal?: unknown }).refusal;
      if (typeof r === "string" && r.trim()) out.push({ type: "text", text: r });
    } else if ((t === "input_image" || t === "image_url") && allowImages) {
      const b = imageBlock(p, opts);
      if (b) out.push(b);
    }
  }
  return out;
}

function toolResultContent(output: ToolOutput | undefined, opts: AnthropicInputOptions): AnthropicToolResultBlock["content"] {
  if (output == null) return "";
  if (typeof output === "string") return sanitizeText(output);
  const blocks = contentBlocks(output as ContentPart[], opts, true);
  return blocks;
}

/** Parsed tool arguments as the object Anthropic's `tool_use.input` requires. */
function toolInput(args: string | undefined): Record<string, unknown> {
  const s = (args ?? "").trim();
  if (!s) return {};
  try {
    const v = JSON.parse(s) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: keep the text so the model sees what it sent
  }
  return { _raw: args };
}

function roleOf(m: MessageItem): "system" | "user" | "assistant" {
  return m.role === "developer" || m.role === "system" ? "system" : m.role === "assistant" ? "assistant" : "user";
}

/**
 * Responses input → Anthropic `system` + `messages`. Developer/system messages become system
 * blocks; everything else becomes alternating user/assistant turns: an assistant turn gathers
 * the replayed thinking blocks (only those this model signed, byte-exact and in order), text and
 * `tool_use` blocks; the following user turn starts with one `tool_result` per call.
 */
export function convertResponsesInputToAnthropic(req: ResponsesRequest, opts: AnthropicInputOptions): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  if (typeof req.instructions === "string" && req.instructions.trim()) system.push({ type: "text", text: sanitizeText(req.instructions) });

  const user = (): AnthropicUserBlock[] => {
    const last = messages[messages.length - 1];
    if (last?.role === "user") return last.content;
    const m: AnthropicMessage = { role: "user", content: [] };
    messages.push(m);
    return m.content;
  };
  const assistant = (): AnthropicAssistantBlock[] => {
    const last = messages[messages.length - 1];
    if (last?.role === "assistant") return last.content;
    const m: AnthropicMessage = { role: "assistant", content: [] };
    messages.push(m);
    return m.content;
  };

  let foreignReasoning = 0;
  const input = typeof req.input === "string" ? [{ type: "message", role: "user", content: req.input } as MessageItem] : (req.input ?? []);
  for (const item of input) {
    const type = (item as { type?: string }).type ?? "message";
    switch (type) {
      case "message": {
        const m = item as MessageItem;
        const role = roleOf(m);
        if (role === "system") {
          for (const b of contentBlocks(m.content, opts, false)) if (b.type === "text") system.push(b);
        } else if (role === "assistant") {
          const blocks = contentBlocks(m.content, opts, false);
          if (blocks.length) assistant().push(...(blocks as AnthropicTextBlock[]));
        } else {
          const blocks = contentBlocks(m.content, opts, true);
          if (blocks.length) user().push(...blocks);
        }
        break;
      }
      case "reasoning": {
        const carried = decodeAnthropicThinking((item as { encrypted_content?: unknown }).encrypted_content);
        if (carried && carried.model === opts.model) {
          if (carried.blocks.length) assistant().push(...carried.blocks);
        } else {
          foreignReasoning++;
        }
        break;
      }
      case "function_call": {
        const fc = item as { call_id: string; name: string; namespace?: string; arguments?: string };
        assistant().push({ type: "tool_use", id: toAnthropicToolId(fc.call_id), name: opts.tools.upstreamNameFor({ name: fc.name, namespace: fc.namespace }), input: toolInput(fc.arguments) });
        break;
      }
      case "custom_tool_call": {
        const cc = item as { call_id: string; name: string; input?: string };
        assistant().push({ type: "tool_use", id: toAnthropicToolId(cc.call_id), name: opts.tools.upstreamNameFor({ name: cc.name }), input: { [CUSTOM_TOOL_PARAM]: cc.input ?? "" } });
        break;
      }
      case "local_shell_call": {
        // Replayed as a call of the `local_shell` function the hosted tool is exposed as.
        const it = item as { call_id?: string; id?: string; action?: { command?: unknown; working_directory?: unknown; timeout_ms?: unknown } };
        const action = it.action ?? {};
        const input: Record<string, unknown> = { command: Array.isArray(action.command) ? action.command : [] };
        if (typeof action.working_directory === "string") input.workdir = action.working_directory;
        if (typeof action.timeout_ms === "number") input.timeout_ms = action.timeout_ms;
        assistant().push({ type: "tool_use", id: toAnthropicToolId(it.call_id ?? it.id ?? ""), name: opts.tools.upstreamNameFor({ name: "local_shell" }), input });
        break;
      }
      case "tool_search_call": {
        const it = item as { call_id?: string; id?: string; arguments?: unknown };
        const args = typeof it.arguments === "string" ? it.arguments : JSON.stringify(it.arguments ?? {});
        assistant().push({ type: "tool_use", id: toAnthropicToolId(it.call_id ?? it.id ?? ""), name: opts.tools.upstreamNameFor({ name: "tool_search" }), input: toolInput(args) });
        break;
      }
      case "tool_search_output": {
        const it = item as { call_id?: string; tools?: unknown };
        const names = Array.isArray(it.tools) ? (it.tools as { name?: unknown }[]).map((t) => t?.name).filter((n) => typeof n === "string") : [];
        user().push({ type: "tool_result", tool_use_id: toAnthropicToolId(it.call_id ?? ""), content: names.length ? `Tools now available: ${names.join(", ")}` : "No tools found." });
        break;
      }
      case "web_search_call": {
        // Hosted-tool history is kept as a short note of what happened, not dropped (§12.2).
        const action = ((item as { action?: unknown }).action ?? {}) as { query?: unknown; url?: unknown };
        const what = typeof action.query === "string" ? `searched the web for "${action.query}"` : typeof action.url === "string" ? `opened ${action.url}` : "used web search";
        assistant().push({ type: "text", text: `[${what}]` });
        break;
      }
      case "image_generation_call": {
        const prompt = (item as { revised_prompt?: unknown }).revised_prompt;
        assistant().push({ type: "text", text: typeof prompt === "string" && prompt ? `[generated an image: ${prompt}]` : "[generated an image]" });
        break;
      }
      case "local_shell_call_output":
      case "function_call_output":
      case "custom_tool_call_output": {
        const o = item as { call_id: string; output: ToolOutput };
        user().push({ type: "tool_result", tool_use_id: toAnthropicToolId(o.call_id), content: toolResultContent(o.output, opts) });
        break;
      }
      case "compaction": {
        // The shim's own compaction summary (any model can read it); others are opaque.
        const c = decodeCompactionSummary((item as { encrypted_content?: unknown }).encrypted_content);
        if (c) user().push({ type: "text", text: summaryAsUserText(c.summary) });
        else opts.notes.push("foreign compaction item not replayed (only the provider that made it can read it)");
        break;
      }
      case "compaction_trigger":
        // Remote compaction v2 (provider named "OpenAI"): this model writes the summary.
        user().push({ type: "text", text: COMPACTION_PROMPT });
        break;
      default:
        opts.notes.push(`dropped input item ${type}`);
    }
  }
  if (foreignReasoning) opts.notes.push(`${foreignReasoning} reasoning item(s) from another model not replayed`);
  return { system, messages: repairTurns(messages, opts.notes) };
}

/**
 * Makes the turn list acceptable to the Messages API: no empty turns, roles alternate, the
 * first turn is the user's, every `tool_use` is answered by a `tool_result` at the start of the
 * next user turn (a missing one gets an explicit "no result" error result), a result without
 * its call becomes plain text, and the conversation ends with a user turn.
 */
function repairTurns(input: AnthropicMessage[], notes: string[]): AnthropicMessage[] {
  const merged: AnthropicMessage[] = [];
  for (const m of input) {
    if (!m.content.length) continue;
    const prev = merged[merged.length - 1];
    if (prev && prev.role === m.role) (prev.content as unknown[]).push(...m.content);
    else merged.push(m);
  }
  if (merged[0]?.role === "assistant") merged.unshift({ role: "user", content: [{ type: "text", text: "(conversation continues)" }] });

  const out: AnthropicMessage[] = [];
  let open: string[] = [];
  for (const m of merged) {
    if (m.role === "assistant") {
      if (open.length) out.push({ role: "user", content: missingResults(open, new Set(), notes) });
      const prevUser = out[out.length - 1];
      if (!prevUser || prevUser.role !== "user") out.push({ role: "user", content: [{ type: "text", text: "(conversation continues)" }] });
      out.push(m);
      open = m.content.filter((b) => b.type === "tool_use").map((b) => (b as { id: string }).id);
      continue;
    }
    const results: AnthropicUserBlock[] = [];
    const rest: AnthropicUserBlock[] = [];
    const answered = new Set<string>();
    for (const b of m.content) {
      if (b.type !== "tool_result") {
        rest.push(b);
      } else if (open.includes(b.tool_use_id) && !answered.has(b.tool_use_id)) {
        answered.add(b.tool_use_id);
        results.push(b);
      } else {
        notes.push("tool result without a matching call sent as text");
        const text = typeof b.content === "string" ? b.content : b.content.map((c) => (c.type === "text" ? c.text : "[image]")).join("\n");
        rest.push({ type: "text", text: `Output of tool call ${b.tool_use_id}:\n${text || "(empty)"}` });
      }
    }
    const content = [...results, ...missingResults(open, answered, notes), ...rest];
    open = [];
    if (content.length) out.push({ role: "user", content });
  }
  if (open.length) out.push({ role: "user", content: missingResults(open, new Set(), notes) });
  if (!out.length) out.push({ role: "user", content: [{ type: "text", text: "(no input)" }] });
  else if (out[out.length - 1].role === "assistant") {
    // Happens when Codex retries after a broken stream: the completed items of the failed
    // attempt are replayed last. An assistant turn at the end would be a prefill, which
    // thinking models reject.
    out.push({ role: "user", content: [{ type: "text", text: "Continue." }] });
  }
  for (const m of out) {
    if (m.role !== "user") continue;
    for (const b of m.content) if (b.type === "tool_result" && ((typeof b.content === "string" && !b.content.trim()) || (Array.isArray(b.content) && !b.content.length))) b.content = "(no output)";
  }
  return out;
}

function missingResults(open: string[], answered: Set<string>, notes: string[]): AnthropicToolResultBlock[] {
  const out: AnthropicToolResultBlock[] = [];
  for (const id of open) {
    if (answered.has(id)) continue;
    notes.push(`tool call ${id} had no result; sent an error result`);
    out.push({ type: "tool_result", tool_use_id: id, content: NO_RESULT, is_error: true });
  }
  return out;
}
