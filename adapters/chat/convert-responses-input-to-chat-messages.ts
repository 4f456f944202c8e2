import type { ContentPart, InputItem, MessageItem, ResponsesRequest, ToolOutput } from "../responses/responses-types.ts";
import type { ChatAssistantMessage, ChatContentPart, ChatMessage, ChatToolCall } from "./chat-types.ts";

export interface InputConversionOptions {
  /** Replace images with a short note (models without vision). */
  noImages: boolean;
  notes: string[];
}

/** Strips NUL and other C0 controls (except tab, CR, LF) that strict providers reject. */
export function sanitizeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s) ? s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "") : s;
}

const IMAGE_OMITTED = "[image omitted: this model does not accept images]";

export function clampImageDetail(d: unknown): "auto" | "low" | "high" {
  return d === "low" || d === "high" ? d : d === "original" || d === "xhigh" ? "high" : "auto";
}

function imageUrlOf(p: { image_url?: unknown; url?: unknown }): string | undefined {
  const u = p.image_url;
  if (typeof u === "string") return u;
  if (u && typeof u === "object" && typeof (u as { url?: unknown }).url === "string") return (u as { url: string }).url;
  return typeof p.url === "string" ? p.url : undefined;
}

/** Responses content parts → chat parts (text joined to a string when there is no image). */
export function convertContent(content: string | ContentPart[] | undefined | null, opts: InputConversionOptions): string | ChatContentPart[] {
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

function roleOf(m: MessageItem): "system" | "user" | "assistant" {
  return m.role === "developer" || m.role === "system" ? "system" : m.role === "assistant" ? "assistant" : "user";
}

/**
 * Responses input → chat messages. Consecutive function calls (and text before them) become one
 * assistant message with N tool_calls, followed by the N tool messages in call order.
 */
export function convertResponsesInputToChatMessages(req: ResponsesRequest, opts: InputConversionOptions): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof req.instructions === "string" && req.instructions.trim()) out.push({ role: "system", content: sanitizeText(req.instructions) });
  const input = req.input;
  if (typeof input === "string") {
    out.push({ role: "user", content: sanitizeText(input) });
    return out;
  }
  let pendingAssistant: ChatAssistantMessage | null = null;
  const pendingImages: ChatContentPart[] = [];
  const flushAssistant = () => {
    if (pendingAssistant) out.push(pendingAssistant);
    pendingAssistant = null;
  };
  const assistant = (): ChatAssistantMessage => (pendingAssistant ??= { role: "assistant", content: null });
  const flushImages = () => {
    if (!pendingImages.length) return;
    out.push({ role: "user", content: [{ type: "text", text: "Images returned by the tool calls above:" }, ...pendingImages.splice(0)] });
  };

  for (const item of input ?? []) {
    const type = (item as { type?: string }).type ?? "message";
    switch (type) {
      case "message": {
        const m = item as MessageItem;
        const role = roleOf(m);
        const content = convertContent(m.content, opts);
        if (role === "assistant") {
          const a = pendingAssistant as ChatAssistantMessage | null;
          if (a && a.tool_calls?.length) flushAssistant();
          flushImages();
          const cur = assistant();
          const text = typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : "")).join("\n");
          cur.content = cur.content ? `${cur.content}\n\n${text}` : text || cur.content;
          continue;
        }
        flushAssistant();
        flushImages();
        out.push(role === "system" ? { role: "system", content: typeof content === "string" ? content : content.map((p) => (p.type === "text" ? p.text : "")).join("\n") } : { role: "user", content });
        continue;
      }
      case "function_call": {
        const fc = item as { call_id: string; name: string; arguments?: string };
        flushImages();
        const cur = assistant();
        const call: ChatToolCall = { id: sanitizeText(fc.call_id), type: "function", function: { name: fc.name, arguments: sanitizeText(fc.arguments ?? "") || "{}" } };
        (cur.tool_calls ??= []).push(call);
        continue;
      }
      case "function_call_output": {
        const o = item as { call_id: string; output: ToolOutput };
        flushAssistant();
        const { text, images } = toolOutputText(o.output);
        out.push({ role: "tool", tool_call_id: sanitizeText(o.call_id), content: text || (images.length ? "(see the image below)" : "") });
        if (images.length) {
          if (opts.noImages) out.push({ role: "user", content: IMAGE_OMITTED });
          else pendingImages.push(...images);
        }
        continue;
      }
      case "reasoning":
        // Replaying reasoning is route- and model-specific (see the agent-loop converters).
        continue;
      default:
        opts.notes.push(`dropped input item ${type}`);
        continue;
    }
  }
  flushAssistant();
  flushImages();
  if (!out.length) out.push({ role: "user", content: "" });
  return mergeSameRole(out);
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
