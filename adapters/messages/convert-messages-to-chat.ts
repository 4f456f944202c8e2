import type { ChatContentPart, ChatFunctionTool, ChatMessage, ChatRequest, ChatToolCall } from "../chat/chat-types.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import type { MessagesBlock, MessagesImageBlock, MessagesRequest, MessagesToolResultBlock } from "./messages-types.ts";

export type ChatRequestWithStop = ChatRequest & { stop?: string[] };

function imageUrl(b: MessagesImageBlock): string | undefined {
  const s = b.source as { type?: string; media_type?: string; data?: string; url?: string } | undefined;
  if (s?.type === "base64" && s.data) return `data:${s.media_type ?? "image/png"};base64,${s.data}`;
  if (s?.type === "url" && s.url) return s.url;
  return undefined;
}

function blocksOf(content: string | MessagesBlock[]): MessagesBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : [];
}

function toolResultParts(r: MessagesToolResultBlock): { text: string; images: string[] } {
  if (typeof r.content === "string") return { text: r.content, images: [] };
  const texts: string[] = [];
  const images: string[] = [];
  for (const p of r.content ?? []) {
    if (p.type === "text" && typeof (p as { text?: unknown }).text === "string") texts.push((p as { text: string }).text);
    else if (p.type === "image") {
      const url = imageUrl(p as MessagesImageBlock);
      if (url) images.push(url);
      texts.push("[image]");
    }
  }
  return { text: texts.join("\n"), images };
}

/** `thinking.budget_tokens` / `output_config.effort` → a chat `reasoning_effort`. */
function reasoningEffort(req: MessagesRequest): string | undefined {
  const effort = req.output_config?.effort;
  if (effort) return effort === "max" ? "high" : effort;
  const t = req.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (t?.type === "enabled") return (t.budget_tokens ?? 0) < 4096 ? "low" : (t.budget_tokens ?? 0) < 16384 ? "medium" : "high";
  return undefined;
}

/**
 * An Anthropic Messages request → an OpenAI chat-completions request (streamed, with usage):
 * system → system message; user text/images → user parts; `tool_result` blocks → `tool`
 * messages (images from a result follow as a user message, since tool messages carry text);
 * assistant text / `tool_use` / thinking → content, `tool_calls`, `reasoning_content`; tools,
 * tool_choice, stop sequences, sampling and thinking effort carried over. Server tools (Anthropic's
 * web search, code execution, …) have no chat equivalent and are left out with a note.
 */
export function convertMessagesToChat(req: MessagesRequest, model: ModelConfig, notes: string[]): ChatRequestWithStop {
  const messages: ChatMessage[] = [];
  const system = typeof req.system === "string" ? req.system : Array.isArray(req.system) ? req.system.map((b) => b.text ?? "").join("\n") : "";
  if (system.trim()) messages.push({ role: "system", content: system });
  let callSeq = 0;
  for (const m of req.messages) {
    const blocks = blocksOf(m.content);
    if (m.role === "assistant") {
      const text: string[] = [];
      const thinking: string[] = [];
      const calls: ChatToolCall[] = [];
      for (const b of blocks) {
        if (b.type === "text") text.push((b as { text: string }).text);
        else if (b.type === "thinking") thinking.push((b as { thinking: string }).thinking);
        else if (b.type === "tool_use") {
          const u = b as { id?: string; name: string; input?: unknown };
          calls.push({ id: u.id || `call_${callSeq++}`, type: "function", function: { name: u.name, arguments: JSON.stringify(u.input ?? {}) } });
        }
      }
      const msg: ChatMessage = { role: "assistant", content: text.join("") || (calls.length ? null : "") };
      if (calls.length) msg.tool_calls = calls;
      if (thinking.length && model.reasoning !== false) msg.reasoning_content = thinking.join("\n");
      messages.push(msg);
      continue;
    }
    const parts: ChatContentPart[] = [];
    const followUp: ChatContentPart[] = [];
    for (const b of blocks) {
      if (b.type === "tool_result") {
        const r = b as MessagesToolResultBlock;
        const { text, images } = toolResultParts(r);
        messages.push({ role: "tool", tool_call_id: r.tool_use_id || "call_0", content: r.is_error ? `Error: ${text}` : text });
        if (images.length && !model.noImageSupport) followUp.push({ type: "text", text: `Visual tool result for ${r.tool_use_id}.` }, ...images.map((url) => ({ type: "image_url" as const, image_url: { url } })));
      } else if (b.type === "text") parts.push({ type: "text", text: (b as { text: string }).text });
      else if (b.type === "image") {
        const url = imageUrl(b as MessagesImageBlock);
        if (url && !model.noImageSupport) parts.push({ type: "image_url", image_url: { url } });
        else parts.push({ type: "text", text: "[image omitted: this model does not accept images]" });
      } else if (b.type === "document") {
        parts.push({ type: "text", text: "[document omitted: not supported on this model]" });
        notes.push("document block omitted");
      }
    }
    const all = [...followUp, ...parts];
    if (!all.length) continue;
    messages.push({ role: "user", content: all.every((p) => p.type === "text") ? all.map((p) => (p as { text: string }).text).join("\n") : all });
  }

  const out: ChatRequestWithStop = { model: model.model, messages, stream: true, stream_options: { include_usage: true } };
  const maxTokens = req.max_tokens ?? model.maxOutputTokens;
  if (maxTokens) out.max_tokens = model.maxOutputTokens ? Math.min(maxTokens, model.maxOutputTokens) : maxTokens;
  if (typeof req.temperature === "number") out.temperature = req.temperature;
  if (typeof req.top_p === "number") out.top_p = req.top_p;
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length) out.stop = req.stop_sequences.slice(0, 4);
  const effort = model.reasoning === false ? undefined : reasoningEffort(req);
  if (effort) out.reasoning_effort = effort;

  const tools: ChatFunctionTool[] = [];
  for (const t of req.tools ?? []) {
    if (t.type && t.type !== "custom") {
      notes.push(`server tool ${t.name} (${t.type}) not available on chat upstreams`);
      continue;
    }
    tools.push({ type: "function", function: { name: t.name, description: t.description ?? "", parameters: t.input_schema ?? { type: "object", properties: {} } } });
  }
  if (tools.length) {
    out.tools = tools;
    const c = req.tool_choice;
    if (c?.type === "any") out.tool_choice = "required";
    else if (c?.type === "tool") out.tool_choice = { type: "function", function: { name: c.name } };
    else if (c?.type === "none") out.tool_choice = "none";
    else out.tool_choice = "auto";
    if (c && "disable_parallel_tool_use" in c && c.disable_parallel_tool_use) out.parallel_tool_calls = false;
  }
  return out;
}
