import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import type { AnthropicMessage, AnthropicTextBlock } from "./anthropic-types.ts";
import { convertResponsesInputToConversation } from "../conversation/convert-responses-input-to-conversation.ts";
import { finishAnthropicMessages, renderAnthropicTurns, type AnthropicRenderOptions } from "./render-anthropic-messages.ts";
import { withoutBreakpoints } from "./place-cache-breakpoints.ts";
import { cachedRendering, endsOutsideAssistantTurn, instructionsOf, opensAssistantTurn } from "../conversation/continuation-boundaries.ts";

/** How an Anthropic `messages` array was built, so that a continuation can tell whether it may reuse it. */
export interface BuiltFrom {
  instructions: string | undefined;
  model: string;
  noImages: boolean;
  /** The upstream tool names replayed calls were renamed with. */
  toolNames: string;
  /** The system blocks the conversation itself produced (before any the request adds). */
  system: readonly AnthropicTextBlock[];
  /** Messages placeCacheBreakpoints replaced by marked copies. */
  marked: readonly number[];
  /** Nothing was added at the end (the last turn was the user's): the messages can be extended. */
  extendable: boolean;
}

const builtFrom = new WeakMap<readonly unknown[], BuiltFrom>();

/** Whether `messages` were built by the Anthropic route (only those can be continued). */
export function isAnthropicMessages(messages: readonly unknown[]): boolean {
  return builtFrom.has(messages);
}

export function noteAnthropicMessages(messages: readonly AnthropicMessage[], how: BuiltFrom): void {
  builtFrom.set(messages, how);
}

export interface AnthropicContinuation {
  /** The conversation's system blocks. */
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
  /** Whether the messages can be continued in turn (nothing was appended at the end). */
  extendable: boolean;
}

/**
 * Incremental turns on the Anthropic route, as continue-chat-messages.ts does for chat: the
 * previous request's messages (the originals of those it marked for prompt caching), reused by
 * reference, then the rendering of only the items after its input. Equal to rendering the whole
 * conversation when the previous input ended outside an assistant turn, nothing was appended at
 * its end ("Continue."), it was built the same way and the new part opens an assistant turn; a
 * first new message of the user's is merged into the last one (a copy). Otherwise null.
 */
export function continueAnthropicMessages(continuation: RouteContext["continuation"], req: ResponsesRequest, opts: AnthropicRenderOptions, toolNames: string): AnthropicContinuation | null {
  const r = cachedRendering<AnthropicMessage, BuiltFrom>(continuation, builtFrom);
  if (!r) return null;
  const { cached, how, suffix } = r;
  if (how.instructions !== instructionsOf(req) || how.toolNames !== toolNames || how.model !== opts.model || how.noImages !== opts.noImages) return null;
  const base = withoutBreakpoints(cached, how.marked);
  // the cached input again: its rendering, as it is
  if (!suffix.length) return { system: how.system.slice(), messages: base, extendable: how.extendable };
  if (!how.extendable || !endsOutsideAssistantTurn(r.previousInput) || !opensAssistantTurn(suffix[0])) return null;
  const tail = renderAnthropicTurns(convertResponsesInputToConversation({ input: suffix }, opts), opts);
  const first = tail.messages[0];
  const last = base[base.length - 1];
  if (first && first.role === last.role) base[base.length - 1] = { role: last.role, content: [...last.content, ...first.content] } as AnthropicMessage;
  const joined = [...base, ...(first && first.role === last.role ? tail.messages.slice(1) : tail.messages)];
  const extendable = joined[joined.length - 1].role === "user";
  return { system: [...how.system, ...tail.system], messages: finishAnthropicMessages(joined), extendable };
}
