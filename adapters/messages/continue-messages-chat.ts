import type { MessagesMessage } from "../anthropic/anthropic-types.ts";
import type { ChatMessage } from "../chat/chat-types.ts";
import { joinChatMessages } from "../chat/continue-chat-messages.ts";
import { endsWithPendingReasoning, notePendingReasoning } from "../chat/render-chat-messages.ts";

/**
 * Incremental turns on `/v1/messages` → chat. An Anthropic client resends the whole history each
 * turn; for a big body the parsed messages of the part it shares with the previous request are
 * that request's very objects (server/body-prefix-reuse.ts). When a request's messages begin with
 * all of a recent request's (the same objects), were built the same way, and the first new
 * message opens an assistant turn, its chat rendering is that request's chat messages followed by
 * the rendering of only the new messages (joined as continue-chat-messages.ts does). Parsed
 * messages are never modified, so equal objects mean equal content.
 */
interface Rendered {
  client: readonly MessagesMessage[];
  chat: readonly ChatMessage[];
  /** The system text, model row options and tool names it was built with. */
  how: string;
}

/** Recent renderings, newest last. */
const recent: Rendered[] = [];
/** Few: consecutive turns of one conversation share their objects, other conversations do not. */
const KEEP = 4;

export function rememberMessagesChat(client: readonly MessagesMessage[], chat: readonly ChatMessage[], how: string): void {
  const i = recent.findIndex((r) => r.client === client);
  if (i >= 0) recent.splice(i, 1);
  recent.push({ client: client.slice(), chat, how });
  if (recent.length > KEEP) recent.shift();
}

/** The longest recent rendering whose client messages `client` starts with (by identity), or undefined. */
function prefixOf(client: readonly MessagesMessage[], how: string): Rendered | undefined {
  let best: Rendered | undefined;
  for (const r of recent) {
    const n = r.client.length;
    if (r.how !== how || n > client.length || (best && n <= best.client.length) || !n) continue;
    let same = true;
    for (let i = n - 1; i >= 0 && same; i--) same = r.client[i] === client[i];
    if (same) best = r;
  }
  return best;
}

/** Whether the converter starts an assistant turn at `m` (a text with some text, or a tool call, makes a step). */
function opensAssistantTurn(m: MessagesMessage | undefined): boolean {
  if (m?.role !== "assistant") return false;
  if (typeof m.content === "string") return m.content !== "";
  return Array.isArray(m.content) && m.content.some((b) => b?.type === "tool_use" || (b?.type === "text" && typeof b.text === "string" && b.text !== ""));
}

/** Whether the converter ends an assistant turn at `m` (a tool result, or a user message with some text, does; an empty one does not). */
function closesAssistantTurn(m: MessagesMessage): boolean {
  if (m.role !== "user") return false;
  if (typeof m.content === "string") return m.content !== "";
  return Array.isArray(m.content) && m.content.some((b) => b?.type === "tool_result" || (b?.type === "text" && typeof b.text === "string" && b.text !== ""));
}

/** Whether `messages` hold a tool call without an id (the converter numbers those across the whole history). */
function hasCallWithoutId(messages: readonly MessagesMessage[]): boolean {
  return messages.some((m) => Array.isArray(m.content) && m.content.some((b) => b?.type === "tool_use" && !(b as { id?: unknown }).id));
}

/**
 * The chat messages for `client`, reusing a recent rendering of its first messages, or null.
 * `renderTail` renders the new messages alone (no system text). A request that repeats a recent
 * one exactly gets its rendering as it is.
 */
export function continueMessagesChat(client: readonly MessagesMessage[], how: string, renderTail: (messages: MessagesMessage[]) => ChatMessage[]): ChatMessage[] | null {
  const prev = prefixOf(client, how);
  if (!prev) return null;
  const n = prev.client.length;
  const base = prev.chat;
  if (n === client.length) {
    const messages = [...base];
    if (endsWithPendingReasoning(base)) notePendingReasoning(messages);
    return messages;
  }
  // the cached part ends with a client message that closes the model's turn, the new part opens the model's next one
  if (!closesAssistantTurn(prev.client[n - 1]) || !opensAssistantTurn(client[n])) return null;
  const suffix = client.slice(n);
  if (hasCallWithoutId(suffix)) return null;
  return joinChatMessages(base, () => renderTail(suffix));
}
