import { validateResponsesRequest } from "../../adapters/responses/validate-responses-request.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import { restorePreviousResponse } from "../../adapters/responses/restore-previous-response.ts";
import { threadKeyOf } from "../../adapters/responses/conversation-cache.ts";
import type { ServerContext } from "../server-context.ts";
import { requestBodyBytes } from "../read-json-body.ts";
import { threadContinuation } from "../../adapters/responses/thread-continuation.ts";
import { isChatMessages } from "../../adapters/chat/continue-chat-messages.ts";
import { isAnthropicMessages } from "../../adapters/anthropic/continue-anthropic-messages.ts";
import type { TraceEndpoint } from "../debug/request-trace.ts";
import { routerDeps, runRequestActor, sseResponse, statusForFailedCode } from "../run-request-actor.ts";
import { decideStore, storeFinishedResponse } from "./store-finished-response.ts";

/** Upstream messages a route can continue (chat and Anthropic). */
const continuable = (m: readonly unknown[]) => isChatMessages(m) || isAnthropicMessages(m);

/**
 * POST /v1/responses: one request actor per call. Pre-stream failures get a real HTTP status
 * (429 + Retry-After, 400, 5xx); everything after the first byte is a `response.failed` event.
 * `previous_response_id` is answered from the conversation cache (the upstreams are stateless);
 * `remember: false` keeps an internal request (the compaction summary) out of it.
 * `store` true or unset (the API's default) also writes the finished response to the SQLite
 * store (docs/responses-api.md); `store: false`, what Codex sends, never touches the disk.
 */
export async function handleResponses(ctx: ServerContext, req: Request, rawBody: Record<string, unknown>, opts: { remember?: boolean; traceEndpoint?: TraceEndpoint } = {}): Promise<Response> {
  const validated = validateResponsesRequest(rawBody);
  const previousResponseId = typeof validated.previous_response_id === "string" ? validated.previous_response_id : undefined;
  const body = restorePreviousResponse(ctx.responses, validated);
  const streaming = body.stream === true;
  const store = decideStore(ctx, body, opts.remember !== false);
  const threadKey = threadKeyOf(req.headers, body);
  // Incremental turns over HTTP: a request that extends its thread's last cached input reuses its translation.
  const continuation = opts.remember === false || body !== rawBody || ctx.env.CODEX_SHIM_HTTP_TURN_REUSE === "0" ? undefined : threadContinuation(ctx.conversations, threadKey, body, continuable);
  const run = await runRequestActor(ctx, req, {
    requestId: newItemId("req"),
    body,
    streaming,
    ...routerDeps(ctx),
    // the body's own input (no previous_response_id): its cache entry is sized from the body's length
    // once the upstream answered, the history is the cache's alone (a stored response reads it at the end)
    conversation: opts.remember === false ? undefined : { threadKey, previousResponseId, bodyBytes: body === rawBody ? requestBodyBytes(rawBody) : undefined, releaseHistory: !store },
    onFinal: store ? (c, state) => storeFinishedResponse(ctx, c, state) : undefined,
    continuation,
    traceEndpoint: opts.traceEndpoint,
    // a compaction is an ordinary responses request; the log line says which it was, like /v1/messages
    logSuffix: opts.traceEndpoint === "compact" ? " endpoint=compact" : undefined,
  });
  const c = run.context;
  if (run.state === "aborted") return new Response(null, { status: 499 });
  if (!c.writer) {
    const err = c.error ?? new ShimError({ status: 502, code: "upstream_error", message: "The request failed before the upstream answered." });
    return err.toResponse(run.headers);
  }
  if (streaming) return sseResponse(run.sseBody!, run.headers);
  const obj = c.writer.responseObject();
  const status = obj.status === "failed" && obj.error ? statusForFailedCode(obj.error.code) : 200;
  return Response.json(obj, { status, headers: run.headers });
}
