import { validateResponsesRequest } from "../../adapters/responses/validate-responses-request.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import { restorePreviousResponse } from "../../adapters/responses/restore-previous-response.ts";
import { threadKeyOf } from "../../adapters/responses/conversation-cache.ts";
import type { ServerContext } from "../server-context.ts";
import { requestBodyBytes } from "../read-json-body.ts";
import { runRequestActor, sseResponse, statusForFailedCode } from "../run-request-actor.ts";

/**
 * POST /v1/responses: one request actor per call. Pre-stream failures get a real HTTP status
 * (429 + Retry-After, 400, 5xx); everything after the first byte is a `response.failed` event.
 * `previous_response_id` is answered from the conversation cache (the upstreams are stateless);
 * `remember: false` keeps an internal request (the compaction summary) out of it.
 */
export async function handleResponses(ctx: ServerContext, req: Request, rawBody: Record<string, unknown>, opts: { remember?: boolean } = {}): Promise<Response> {
  const body = restorePreviousResponse(ctx.conversations, validateResponsesRequest(rawBody));
  const streaming = body.stream === true;
  const run = await runRequestActor(ctx, req, {
    requestId: newItemId("req"),
    body,
    streaming,
    classify: ctx.classify ?? ctx.router?.classify,
    // the body's own input (no previous_response_id): its cache entry is sized from the body's length
    conversation: opts.remember === false ? undefined : { threadKey: threadKeyOf(req.headers, body), bodyBytes: body === rawBody ? requestBodyBytes(rawBody) : undefined },
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
