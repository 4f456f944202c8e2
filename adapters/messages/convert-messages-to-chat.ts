import type { ChatFunctionTool, ChatRequest } from "../chat/chat-types.ts";
import { renderChatMessages } from "../chat/render-chat-messages.ts";
import { convertMessagesToConversation } from "../conversation/convert-messages-to-conversation.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";
import { continueMessagesChat, rememberMessagesChat } from "./continue-messages-chat.ts";
import { markSharedHistory } from "../transport/shared-history.ts";

export type ChatRequestWithStop = ChatRequest & { stop?: string[] };

/** Client tool names go upstream unchanged (the tools are sent under them too). */
const SAME_NAMES = { upstreamNameFor: (c: { name: string }) => c.name };

/** `thinking.budget_tokens` / `output_config.effort` → a chat `reasoning_effort`. */
function reasoningEffort(req: MessagesRequest): string | undefined {
  const effort = req.output_config?.effort;
  if (effort) return effort === "max" ? "high" : effort;
  const t = req.thinking as { type?: string; budget_tokens?: number } | undefined;
  if (t?.type === "enabled") return (t.budget_tokens ?? 0) < 4096 ? "low" : (t.budget_tokens ?? 0) < 16384 ? "medium" : "high";
  return undefined;
}

/**
 * An Anthropic Messages request → an OpenAI chat-completions request (streamed, with usage). The
 * history goes through the neutral conversation step and the chat renderer, like `/v1/responses`
 * (calls and results paired in call order, missing results answered, orphan results as text,
 * images of results lifted into a user message, thinking only on tool-call turns, C0 controls
 * stripped, same-role messages merged); tools, tool_choice, stop sequences, sampling and thinking
 * effort are carried over. Server tools (Anthropic's web search, code execution, …) have no chat
 * equivalent and are left out with a note.
 */
export function convertMessagesToChat(req: MessagesRequest, model: ModelConfig, notes: string[]): ChatRequestWithStop {
  const conversation = { notes, replayThinking: model.reasoning !== false };
  const render = { notes, noImages: model.noImageSupport, toolNames: SAME_NAMES };
  // what the rendering depends on besides the messages (continue-messages-chat.ts)
  const how = JSON.stringify([req.system ?? null, conversation.replayThinking, render.noImages]);
  const continued = continueMessagesChat(req.messages, how, (tail) => renderChatMessages(convertMessagesToConversation({ ...req, system: undefined, messages: tail }, conversation), render));
  const messages = continued ?? renderChatMessages(convertMessagesToConversation(req, conversation), render);
  // shared with the request before: their encodings are worth keeping (encode-json-body.ts)
  if (continued) markSharedHistory(messages);
  rememberMessagesChat(req.messages, messages, how);
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
