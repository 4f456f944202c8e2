import type { ConversationCache, ConversationReservation } from "../adapters/responses/conversation-cache.ts";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import type { PreparedUpstream } from "../adapters/routes/upstream-route.ts";
import { inputItemsOf } from "../adapters/responses/restore-previous-response.ts";

export interface ReserveConversationInput {
  conversations: ConversationCache;
  /** The request's conversation settings (RequestInput.conversation); absent: nothing is remembered. */
  conversation: { threadKey: string | undefined; bodyBytes?: number; releaseHistory?: boolean } | undefined;
  /** The key the entry is held under until it is committed with the response's id (the request id). */
  responseId: string;
  slug: string;
  body: ResponsesRequest;
  prepared: PreparedUpstream | null;
}

/**
 * Once the upstream has answered, the only later reader of a request's history — its parsed
 * input items, the translated upstream messages and their encoded bytes — is the conversation
 * cache. So they go to a reservation in the cache now (committed when the answer finishes,
 * cancelled when it fails), and with `releaseHistory` the request lets go of them: the body's
 * `input` (the array every holder of the body — route context, translators' closures — reaches
 * it through), the prepared messages and the sent body bytes. The cache's bounds then cover the
 * requests in flight too: under many concurrent streams the oldest reservations are evicted,
 * their history freed before their answers end, instead of every stream holding its own until
 * it finishes (64 concurrent 250 KB first turns: RSS peak −27 MiB, docs/performance.md "RSS").
 * Nothing reads `input` after this point (no retry once the upstream answered); a stored
 * response (`store: true`) reads it at the end, so it is kept there.
 */
export function reserveConversationEntry(o: ReserveConversationInput): ConversationReservation | undefined {
  const conversation = o.conversation;
  if (!conversation) return undefined;
  let reservation: ConversationReservation;
  try {
    reservation = o.conversations.reserve({
      responseId: o.responseId,
      threadKey: conversation.threadKey,
      model: o.slug,
      input: inputItemsOf(o.body.input),
      upstreamMessages: o.prepared?.upstreamMessages,
      sizeHint: conversation.bodyBytes,
    });
  } catch {
    // a cache failure is not the request's: it streams on, and is not remembered
    return undefined;
  }
  if (conversation.releaseHistory) {
    (o.body as { input: ResponsesRequest["input"] }).input = [];
    if (o.prepared) {
      o.prepared.upstreamMessages = undefined;
      o.prepared.request.body = "";
    }
  }
  return reservation;
}
