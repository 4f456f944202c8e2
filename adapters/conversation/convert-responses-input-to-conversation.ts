import type { ContentPart, InputItem, ResponsesRequest, ToolOutput } from "../responses/responses-types.ts";
import { isKnownContentPart, isKnownInputItem, itemType } from "../responses/responses-types.ts";
import { CUSTOM_TOOL_PARAM } from "../tools/upstream-tool-set.ts";
import { imageUrlOf } from "../tools/image-parts.ts";
import { decodeCompactionSummary, summaryAsUserText } from "../compaction/compaction-carrier.ts";
import { COMPACTION_PROMPT } from "../compaction/compaction-prompt.ts";
import { decodeChatReasoning } from "../chat/chat-reasoning-carrier.ts";
import { decodeAnthropicThinking } from "../anthropic/anthropic-thinking-carrier.ts";
import { ConversationBuilder } from "./conversation-builder.ts";
import type { ConversationOptions, Part, ReasoningCarrier, TextPart, Turn } from "./conversation-types.ts";
import { sanitizeText } from "./sanitize-text.ts";
import { imageGenerationNote, toolSearchOutputText, webSearchNote } from "./history-notes.ts";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

/** The call id of a call or output item (`id` when `call_id` is missing, as for old local-shell items). */
function callIdOf(item: { call_id?: unknown; id?: unknown }): string {
  return sanitizeText(str(item.call_id) ?? str(item.id) ?? "call_0");
}

function textParts(s: string): TextPart[] {
  return s ? [{ type: "text", text: sanitizeText(s) }] : [];
}

/**
 * Responses content → neutral parts. `keepEmpty` keeps empty text parts (tool outputs join
 * their parts with newlines, empty ones included); `images: false` drops images (system and
 * assistant messages carry none on any wire).
 */
function convertParts(content: readonly ContentPart[], b: ConversationBuilder, images: boolean, keepEmpty: boolean): Part[] {
  const out: Part[] = [];
  for (const p of content) {
    if (!isKnownContentPart(p)) continue;
    switch (p.type) {
      case "input_text":
      case "output_text":
      case "text":
        if (keepEmpty || p.text) out.push({ type: "text", text: sanitizeText(p.text) });
        break;
      case "refusal":
        if (p.refusal) out.push({ type: "text", text: sanitizeText(p.refusal) });
        break;
      case "input_image":
      case "image_url": {
        if (!images) break;
        const url = imageUrlOf(p);
        if (!url) b.note("image without a URL dropped (file_id images are not supported)");
        // Responses' default detail is `auto`, and chat upstreams are told so explicitly.
        else out.push({ type: "image", url, detail: p.detail ?? "auto" });
        break;
      }
    }
  }
  return out;
}

function contentParts(content: string | ContentPart[] | null | undefined, b: ConversationBuilder, images: boolean): Part[] {
  if (typeof content === "string") return textParts(content);
  return content ? convertParts(content, b, images, false) : [];
}

function textOnly(parts: Part[]): TextPart[] {
  return parts.filter((p): p is TextPart => p.type === "text");
}

function toolOutput(output: ToolOutput | undefined, b: ConversationBuilder): string | Part[] {
  if (output == null) return "";
  if (typeof output === "string") return sanitizeText(output);
  return convertParts(output, b, true, true);
}

/** A reasoning item's `encrypted_content`, decoded once (each carrier checks its own prefix first). */
export function reasoningCarrierOf(enc: unknown): ReasoningCarrier {
  if (enc == null || enc === "") return { kind: "none" };
  const chat = decodeChatReasoning(enc);
  if (chat) return { kind: "chat", ...chat };
  const anthropic = decodeAnthropicThinking(enc);
  if (anthropic) return { kind: "anthropic", ...anthropic };
  return { kind: "opaque" };
}

/**
 * Responses `instructions` + `input` → neutral turns (`ConversationBuilder` pairs the results):
 * - developer/system messages are system turns, user messages (and bare parts, strings) user turns;
 * - assistant messages, reasoning and calls are assistant steps; `custom_tool_call` (apply_patch)
 *   is a call with `{"input": raw}`, `local_shell_call` a call of `local_shell`, `tool_search_call`
 *   a call of `tool_search`;
 * - outputs are results; `tool_search_output` is the list of tools it made available;
 * - hosted-tool history (web search, image generation) becomes a short assistant note;
 * - the shim's `compaction` item becomes its summary as user text, `compaction_trigger` the
 *   summarization prompt; foreign compaction items and unknown items are dropped and noted.
 */
export function convertResponsesInputToConversation(req: Pick<ResponsesRequest, "instructions" | "input">, opts: ConversationOptions): Turn[] {
  const b = new ConversationBuilder(opts);
  if (typeof req.instructions === "string" && req.instructions.trim()) b.system(textParts(req.instructions));
  const input = req.input;
  if (typeof input === "string") b.user(textParts(input));
  else for (const item of input ?? []) addItem(item, b);
  return b.finish();
}

function addItem(item: InputItem | string, b: ConversationBuilder): void {
  if (typeof item === "string") return b.user(textParts(item));
  if (!isKnownInputItem(item)) return b.note(`dropped input item ${itemType(item)}`);
  switch (item.type) {
    case undefined:
    case "message": {
      const role = item.role === "developer" || item.role === "system" ? "system" : item.role === "assistant" ? "assistant" : "user";
      const parts = contentParts(item.content, b, role === "user");
      if (role === "system") return b.system(textOnly(parts));
      if (role === "assistant") return b.text(textOnly(parts));
      return b.user(parts);
    }
    case "input_text":
    case "input_image":
      return b.user(convertParts([item.type === "input_text" ? { type: "input_text", text: item.text ?? "" } : { ...item, type: "input_image" }], b, true, false));
    case "reasoning":
      return b.reasoning(reasoningCarrierOf(item.encrypted_content));
    case "function_call":
      return b.call({ callId: callIdOf(item), name: item.name, namespace: item.namespace, input: { kind: "json", text: sanitizeText(item.arguments ?? "") } });
    case "custom_tool_call":
      return b.call({ callId: callIdOf(item), name: item.name, input: { kind: "object", value: { [CUSTOM_TOOL_PARAM]: item.input ?? "" } } });
    case "local_shell_call": {
      // Replayed as a call of the `local_shell` function the hosted tool is exposed as.
      const action = item.action ?? {};
      const value: Record<string, unknown> = { command: Array.isArray(action.command) ? action.command : [] };
      if (typeof action.working_directory === "string") value.workdir = action.working_directory;
      if (typeof action.timeout_ms === "number") value.timeout_ms = action.timeout_ms;
      return b.call({ callId: callIdOf(item), name: "local_shell", input: { kind: "object", value } });
    }
    case "tool_search_call": {
      const args = item.arguments;
      return b.call({ callId: callIdOf(item), name: "tool_search", input: { kind: "json", text: typeof args === "string" ? sanitizeText(args) : JSON.stringify(args ?? {}) } });
    }
    case "function_call_output":
    case "custom_tool_call_output":
    case "local_shell_call_output":
      return b.result(callIdOf(item), { output: toolOutput(item.output, b) });
    case "tool_search_output":
      return b.result(callIdOf({ call_id: item.call_id }), { output: toolSearchOutputText(item.tools) });
    case "web_search_call":
      // Hosted-tool history is kept as a short note of what happened, not dropped (§12.2).
      return b.text(textParts(webSearchNote(item.action)));
    case "image_generation_call":
      return b.text(textParts(imageGenerationNote(item.revised_prompt)));
    case "compaction":
    case "compaction_summary": {
      // The shim's own summary (any model can read it); other providers' items are opaque.
      const c = decodeCompactionSummary(item.encrypted_content);
      if (c) return b.user(textParts(summaryAsUserText(c.summary)));
      return b.note("foreign compaction item not replayed (only the provider that made it can read it)");
    }
    case "compaction_trigger":
      // Remote compaction v2 (provider named "OpenAI"): this model writes the summary.
      return b.user(textParts(COMPACTION_PROMPT));
  }
}
