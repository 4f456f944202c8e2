import type { AnthropicImageBlock, MessagesBlock, MessagesRequest, MessagesToolResultBlock } from "../anthropic/anthropic-types.ts";
import { isKnownMessagesBlock } from "../anthropic/anthropic-types.ts";
import { ConversationBuilder } from "./conversation-builder.ts";
import type { ConversationOptions, ImagePart, Part, TextPart, Turn } from "./conversation-types.ts";
import { sanitizeText } from "./sanitize-text.ts";

export interface MessagesConversationOptions extends ConversationOptions {
  /** Send the client's thinking blocks back as reasoning (off for rows with `reasoning: false`). */
  replayThinking: boolean;
}

/** An Anthropic image source as a URL (`data:` for base64; this is where the data is copied, once). */
function imagePart(b: AnthropicImageBlock): ImagePart | undefined {
  const s = b.source as { type?: string; media_type?: string; data?: string; url?: string } | undefined;
  if (s?.type === "base64" && s.data) return { type: "image", url: `data:${s.media_type ?? "image/png"};base64,${s.data}` };
  if (s?.type === "url" && s.url) return { type: "image", url: s.url };
  return undefined;
}

function blocksOf(content: string | MessagesBlock[]): MessagesBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
}

function text(s: string): TextPart {
  return { type: "text", text: sanitizeText(s) };
}

function resultOutput(r: MessagesToolResultBlock): string | Part[] {
  if (typeof r.content === "string") return sanitizeText(r.content);
  const out: Part[] = [];
  for (const p of r.content ?? []) {
    if (!isKnownMessagesBlock(p)) continue;
    if (p.type === "text" && typeof p.text === "string") out.push(text(p.text));
    else if (p.type === "image") {
      const img = imagePart(p);
      if (img) out.push(img);
    }
  }
  return out;
}

/**
 * An Anthropic Messages request (a `/v1/messages` client such as Claude Code) → neutral turns, so
 * that the chat renderer gives it the same pairing, repair and sanitising as `/v1/responses`:
 * `system` → a system turn; an assistant message → text (adjacent text blocks joined as one
 * message), thinking (as the client's reasoning) and `tool_use` calls; a user message → its
 * `tool_result`s (paired with the calls by id) and one user turn of its text and images.
 * Documents have no chat equivalent and become a note.
 */
export function convertMessagesToConversation(req: MessagesRequest, opts: MessagesConversationOptions): Turn[] {
  const b = new ConversationBuilder(opts);
  const system = typeof req.system === "string" ? req.system : Array.isArray(req.system) ? req.system.map((s) => s.text ?? "").join("\n") : "";
  if (system.trim()) b.system([text(system)]);
  let callSeq = 0;
  for (const m of req.messages) {
    const blocks = blocksOf(m.content);
    if (m.role === "assistant") {
      let texts: string[] = [];
      let thinking: string[] = [];
      const flushText = () => {
        const t = texts.join("");
        texts = [];
        if (t) b.text([text(t)]);
      };
      const flushThinking = () => {
        const t = thinking.join("\n");
        thinking = [];
        if (t && opts.replayThinking) b.reasoning({ kind: "client", text: t });
      };
      for (const blk of blocks) {
        if (!isKnownMessagesBlock(blk)) continue;
        if (blk.type !== "text") flushText();
        if (blk.type !== "thinking") flushThinking();
        if (blk.type === "text") texts.push(blk.text);
        else if (blk.type === "thinking") thinking.push(blk.thinking);
        else if (blk.type === "tool_use") {
          const input = blk.input;
          const callId = sanitizeText(blk.id || `call_${callSeq++}`);
          b.call({ callId, name: blk.name, input: input && typeof input === "object" && !Array.isArray(input) ? { kind: "object", value: input as Record<string, unknown> } : { kind: "json", text: JSON.stringify(input ?? {}) } });
        }
      }
      flushText();
      flushThinking();
      continue;
    }
    const parts: Part[] = [];
    for (const blk of blocks) {
      if (!isKnownMessagesBlock(blk)) {
        if (blk.type === "document") {
          parts.push({ type: "text", text: "[document omitted: not supported on this model]" });
          b.note("document block omitted");
        }
        continue;
      }
      if (blk.type === "tool_result") b.result(sanitizeText(blk.tool_use_id || "call_0"), { output: resultOutput(blk), isError: blk.is_error === true || undefined });
      else if (blk.type === "text") {
        if (blk.text) parts.push(text(blk.text));
      } else if (blk.type === "image") {
        const img = imagePart(blk);
        if (img) parts.push(img);
        else b.note("image without a source dropped");
      }
    }
    if (parts.length) b.user(parts);
  }
  return b.finish();
}
