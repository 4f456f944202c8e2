import type { ConversationCache } from "./conversation-cache.ts";
import type { InputItem, ResponsesRequest } from "./responses-types.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import { opensAssistantTurn } from "../conversation/continuation-boundaries.ts";

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
 * then is the history compared: ~0.5 ms per MB, or next to nothing when the items are the very
 * objects of the cached input, as server/body-prefix-reuse.ts makes them).
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
  if (n === 0 || input.length < n) return undefined;
  // The new part must open an assistant turn (Codex's replay of the answer), as a continuation
  // requires (continue-chat-messages.ts); checked first, it spares the comparison otherwise.
  // No new part at all (a retry, the same body again) is the cached translation itself.
  if (input.length > n && !opensAssistantTurn(input[n])) return undefined;
  for (let i = 0; i < n; i++) if (!jsonEqual(prev.input[i], input[i])) return undefined;
  return { previous: { ...prev, output: [] }, newItems: input.slice(n) };
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
