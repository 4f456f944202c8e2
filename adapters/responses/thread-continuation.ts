import type { ConversationCache } from "./conversation-cache.ts";
import type { InputItem, ResponsesRequest } from "./responses-types.ts";
import type { RouteContext } from "../routes/upstream-route.ts";

/**
 * Incremental turns over HTTP. Codex resends the whole history every turn; when the newest cached
 * response of the request's thread had an input that this request's input starts with (item for
 * item, equal as JSON values), the request continues it: a route may reuse that response's
 * translated upstream messages and translate only the items after it (the same continuation a
 * WebSocket turn carries, adapters/chat/continue-chat-messages.ts, which falls back to a whole
 * translation whenever reuse would not be exact). The items after the cached input are what
 * Codex sent (its replay of the answer, then the new items), never the cached output; they must
 * begin with an assistant item, as Codex's replay does.
 *
 * `reusable(messages)` says whether a route built those messages in a way it can continue (only
 * then is the history compared: ~0.5 ms per MB).
 */
export function threadContinuation(
  cache: ConversationCache,
  threadKey: string | undefined,
  body: ResponsesRequest,
  reusable: (messages: readonly unknown[]) => boolean,
): RouteContext["continuation"] | undefined {
  if (!threadKey || !Array.isArray(body.input)) return undefined;
  const prev = cache.latestForThread(threadKey);
  if (!prev?.upstreamMessages || !reusable(prev.upstreamMessages)) return undefined;
  const input = body.input as readonly InputItem[];
  const n = prev.input.length;
  if (n === 0 || input.length <= n) return undefined;
  // The new part must open an assistant turn (Codex's replay of the answer): then the client-side
  // run the cached input ended with is closed, and no new tool result can pair with a cached call.
  if (!opensAssistantTurn(input[n])) return undefined;
  for (let i = 0; i < n; i++) if (!jsonEqual(prev.input[i], input[i])) return undefined;
  return { previous: { ...prev, output: [] }, newItems: input.slice(n) };
}

/** Items that always start an assistant turn after a client-side item (conversation-builder.ts: a step). */
const ASSISTANT_ITEMS = new Set(["reasoning", "function_call", "custom_tool_call", "local_shell_call", "tool_search_call", "web_search_call", "image_generation_call"]);

function opensAssistantTurn(item: InputItem): boolean {
  if (typeof item !== "object" || item === null) return false;
  const it = item as { type?: unknown; role?: unknown; content?: unknown };
  if (it.type !== undefined && it.type !== "message") return ASSISTANT_ITEMS.has(it.type as string);
  if (it.role !== "assistant") return false;
  // assistant text opens a turn only when it has some (empty text is no step at all)
  if (typeof it.content === "string") return it.content !== "";
  return Array.isArray(it.content) && it.content.some((p: { text?: unknown; refusal?: unknown }) => (typeof p?.text === "string" && p.text !== "") || (typeof p?.refusal === "string" && p.refusal !== ""));
}

/** Equality of two parsed JSON values (key order included: it is the order they are serialized in). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !jsonEqual((a as Record<string, unknown>)[ka[i]], (b as Record<string, unknown>)[ka[i]])) return false;
  }
  return true;
}
