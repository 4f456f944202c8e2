import type { AssistantTurn, CallInput, ImagePart, Part, ToolCall, ToolResult, Turn } from "../conversation/conversation-types.ts";
import type { UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { IMAGE_OMITTED_NOTE } from "../tools/image-parts.ts";
import { parseJsonObject } from "../tools/normalize-arguments.ts";
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicUserBlock,
} from "./anthropic-types.ts";

export interface AnthropicRenderOptions {
  /** The upstream model: thinking blocks are only replayed to the model that signed them. */
  model: string;
  noImages: boolean;
  tools: Pick<UpstreamToolSet, "upstreamNameFor">;
  notes: string[];
}

export interface AnthropicConversation {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
}

const SUPPORTED_MEDIA = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const NO_RESULT = "No result was recorded for this tool call (it was interrupted).";

/** Anthropic ids must match `^[a-zA-Z0-9_-]+$`; calls and results are mapped the same way. */
export function toAnthropicToolId(callId: string): string {
  const s = String(callId ?? "").replace(/[^a-zA-Z0-9_-]/g, "_");
  return s || "call_0";
}

/** `data:<media>[;…];base64,<data>` → an Anthropic base64 source (the data is sliced, not copied). */
function base64Source(url: string): { mediaType: string; data: string } | null {
  if (!url.startsWith("data:")) return null;
  const comma = url.indexOf(",");
  if (comma < 0) return null;
  const header = url.slice(5, comma);
  if (!/;base64$/i.test(header)) return null;
  const mediaType = header.split(";", 1)[0].toLowerCase();
  if (!mediaType) return null;
  return { mediaType: mediaType === "image/jpg" ? "image/jpeg" : mediaType, data: url.slice(comma + 1) };
}

/** An image → an Anthropic image block, a placeholder text, or nothing. */
function imageBlock(p: ImagePart, opts: AnthropicRenderOptions): AnthropicImageBlock | AnthropicTextBlock | null {
  if (opts.noImages) return { type: "text", text: IMAGE_OMITTED_NOTE };
  const data = base64Source(p.url);
  if (data) {
    if (!SUPPORTED_MEDIA.has(data.mediaType)) {
      opts.notes.push(`image of type ${data.mediaType} dropped (Anthropic takes jpeg, png, gif, webp)`);
      return { type: "text", text: `[image of unsupported type ${data.mediaType} omitted]` };
    }
    return { type: "image", source: { type: "base64", media_type: data.mediaType, data: data.data } };
  }
  if (/^https?:\/\//i.test(p.url)) return { type: "image", source: { type: "url", url: p.url } };
  opts.notes.push("image with an unusable URL dropped");
  return null;
}

/** Parts → blocks. The API rejects text blocks that are empty or only whitespace. */
function contentBlocks(parts: readonly Part[], opts: AnthropicRenderOptions): (AnthropicTextBlock | AnthropicImageBlock)[] {
  const out: (AnthropicTextBlock | AnthropicImageBlock)[] = [];
  for (const p of parts) {
    if (p.type === "text") {
      if (p.text.trim()) out.push({ type: "text", text: p.text });
    } else {
      const b = imageBlock(p, opts);
      if (b) out.push(b);
    }
  }
  return out;
}

/** Parsed tool arguments as the object Anthropic's `tool_use.input` requires. */
function toolInput(input: CallInput): Record<string, unknown> {
  if (input.kind === "object") return input.value;
  const s = input.text.trim();
  if (!s) return {};
  // Not an object: keep the text so the model sees what it sent.
  return parseJsonObject(s) ?? { _raw: input.text };
}

function toolResult(c: ToolCall, r: ToolResult, opts: AnthropicRenderOptions): AnthropicToolResultBlock {
  const content = typeof r.output === "string" ? r.output : contentBlocks(r.output, opts);
  const empty = typeof content === "string" ? !content.trim() : !content.length;
  const block: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: toAnthropicToolId(c.callId), content: empty ? "(no output)" : content };
  if (r.isError) block.is_error = true;
  return block;
}

/**
 * Neutral turns → Anthropic `system` + `messages`. System turns become system blocks; the rest
 * alternates user/assistant: an assistant turn gathers the replayed thinking blocks (only those
 * this model signed, byte-exact and in order), text and `tool_use` blocks; the next user turn
 * starts with one `tool_result` per call, in call order (an explicit error result for a call
 * that has none). Then the turn list is made acceptable to the Messages API: no empty turns,
 * same-role turns merged, the first turn the user's, the last one too.
 */
export function renderAnthropicMessages(turns: readonly Turn[], opts: AnthropicRenderOptions): AnthropicConversation {
  const rendered = renderAnthropicTurns(turns, opts);
  return { system: rendered.system, messages: finishAnthropicMessages(rendered.messages) };
}

/** The turns as system blocks and alternating messages, before the fixes at the ends (finishAnthropicMessages). */
export function renderAnthropicTurns(turns: readonly Turn[], opts: AnthropicRenderOptions): AnthropicConversation {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  let foreignReasoning = 0;
  const push = (m: AnthropicMessage) => {
    if (!m.content.length) return;
    const prev = messages[messages.length - 1];
    if (prev?.role === m.role) (prev.content as unknown[]).push(...m.content);
    else messages.push(m);
  };
  const assistant = (turn: AssistantTurn) => {
    const content: AnthropicAssistantBlock[] = [];
    const results: AnthropicUserBlock[] = [];
    for (const s of turn.steps) {
      if (s.type === "reasoning") {
        const c = s.carrier;
        if (c.kind === "anthropic" && c.model === opts.model) content.push(...c.blocks);
        else foreignReasoning++;
      } else if (s.type === "text") {
        for (const p of s.parts) if (p.text.trim()) content.push({ type: "text", text: p.text });
      } else {
        const c = s.call;
        content.push({ type: "tool_use", id: toAnthropicToolId(c.callId), name: opts.tools.upstreamNameFor({ name: c.name, namespace: c.namespace }), input: toolInput(c.input) });
        if (c.result) results.push(toolResult(c, c.result, opts));
        else {
          opts.notes.push(`tool call ${c.callId} had no result; sent an error result`);
          results.push({ type: "tool_result", tool_use_id: toAnthropicToolId(c.callId), content: NO_RESULT, is_error: true });
        }
      }
    }
    push({ role: "assistant", content });
    push({ role: "user", content: results });
  };
  for (const t of turns) {
    if (t.role === "system") {
      for (const p of t.parts) if (p.text.trim()) system.push({ type: "text", text: p.text });
    } else if (t.role === "assistant") assistant(t);
    else push({ role: "user", content: contentBlocks(t.parts, opts) });
  }
  if (foreignReasoning) opts.notes.push(`${foreignReasoning} reasoning item(s) from another model not replayed`);
  return { system, messages };
}

/** Messages the first turn of which is the user's, and the last one too (in place; also returned). */
export function finishAnthropicMessages(messages: AnthropicMessage[]): AnthropicMessage[] {
  if (messages[0]?.role === "assistant") messages.unshift({ role: "user", content: [{ type: "text", text: "(conversation continues)" }] });
  if (!messages.length) messages.push({ role: "user", content: [{ type: "text", text: "(no input)" }] });
  // Happens when Codex retries after a broken stream: the completed items of the failed attempt
  // are replayed last. An assistant turn at the end would be a prefill, which thinking models reject.
  else if (messages[messages.length - 1].role === "assistant") messages.push({ role: "user", content: [{ type: "text", text: "Continue." }] });
  return messages;
}
