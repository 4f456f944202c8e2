import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import type { ChatContentPart, ChatMessage } from "./chat-types.ts";
import { convertResponsesInputToChatMessages, type InputConversionOptions } from "./convert-responses-input-to-chat-messages.ts";
import { noteExtends } from "./serialize-chat-body.ts";
import { endsWithPendingReasoning, mergedContent, notePendingReasoning } from "./render-chat-messages.ts";
import { cachedRendering, endsOutsideAssistantTurn, instructionsOf, opensAssistantTurn } from "../conversation/continuation-boundaries.ts";

/** What a chat `messages` array was built from, so a continuation can tell whether it may reuse it. */
interface BuiltFrom {
  instructions: string | undefined;
  /** The upstream tool names replayed calls were renamed with. */
  toolNames: string;
  upstreamModel: string | undefined;
  noImages: boolean;
}

const builtFrom = new WeakMap<readonly unknown[], BuiltFrom>();

/** Whether `messages` were built by the chat route (only those can be continued). */
export function isChatMessages(messages: readonly unknown[]): boolean {
  return builtFrom.has(messages);
}

/** Records how the chat route built `messages` (they may be continued later). */
export function noteChatMessages(messages: readonly ChatMessage[], req: ResponsesRequest, opts: InputConversionOptions, toolNames: string): void {
  builtFrom.set(messages, { instructions: instructionsOf(req), toolNames, upstreamModel: opts.upstreamModel, noImages: opts.noImages });
}

/**
 * Incremental turns (WebSocket continuations): the previous request's chat messages, reused by
 * reference, then the translation of only the items after its input (its output and the new
 * items). The converter walks items left to right and carries state only inside an assistant
 * turn, so this equals translating the whole conversation whenever the previous input ended
 * outside one (a user/developer message or a tool output) and was built the same way; otherwise
 * (or with nothing to reuse) it returns null and the caller translates everything.
 */
export function continueChatMessages(continuation: RouteContext["continuation"], req: ResponsesRequest, opts: InputConversionOptions, toolNames: string): ChatMessage[] | null {
  const r = cachedRendering<ChatMessage, BuiltFrom>(continuation, builtFrom);
  if (!r) return null;
  const { cached: base, how, suffix } = r;
  if (how.instructions !== instructionsOf(req) || how.toolNames !== toolNames || how.upstreamModel !== opts.upstreamModel || how.noImages !== opts.noImages) return null;
  if (!suffix.length) {
    // the cached input again, built the same way: its translation, as it is
    const messages = [...base];
    noteExtends(messages, base);
    if (endsWithPendingReasoning(base)) notePendingReasoning(messages);
    return messages;
  }
  // The suffix must open an assistant turn: then the client-side run the cached input ended with
  // is closed, and no new tool result can pair with a call of the cached part (a result after an
  // empty answer may; the whole translation pairs it, a continuation would not).
  if (!endsOutsideAssistantTurn(r.previousInput) || !opensAssistantTurn(suffix[0])) return null;
  return joinChatMessages(base, () => convertResponsesInputToChatMessages({ ...req, instructions: undefined, input: suffix }, opts));
}

/**
 * Cached chat messages followed by the rendering of the items after them (`renderTail`, called
 * only when `base` can be extended), as the whole rendering would be: a first new system/user
 * message merged into a last one of the same role (a copy; the cached messages are never
 * modified). Null when either is the renderer's empty placeholder, or `base` ended with
 * reasoning not yet placed.
 */
export function joinChatMessages(base: readonly ChatMessage[], renderTail: () => readonly ChatMessage[]): ChatMessage[] | null {
  if (isPlaceholder(base) || endsWithPendingReasoning(base)) return null;
  const tail = renderTail();
  if (isPlaceholder(tail)) return null;
  const joined = joinedMessages(base, tail);
  if (endsWithPendingReasoning(tail)) notePendingReasoning(joined);
  return joined;
}

function joinedMessages(base: readonly ChatMessage[], tail: readonly ChatMessage[]): ChatMessage[] {
  const last = base[base.length - 1];
  const first = tail[0];
  if (last.role === first.role && (first.role === "system" || first.role === "user")) {
    // The whole translation would have merged these two (mergeSameRole); never mutate the cached one.
    return [...base.slice(0, -1), { role: first.role, content: mergedContent(last.content as string | ChatContentPart[], first.content as string | ChatContentPart[]) } as ChatMessage, ...tail.slice(1)];
  }
  const messages = [...base, ...tail];
  noteExtends(messages, base);
  return messages;
}

function isPlaceholder(messages: readonly ChatMessage[]): boolean {
  return messages.length === 1 && messages[0].role === "user" && messages[0].content === "";
}
