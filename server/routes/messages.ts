import type { ResponsesRequest } from "../../adapters/responses/responses-types.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import { validateMessagesRequest } from "../../adapters/messages/validate-messages-request.ts";
import { isMessagesWriter } from "../../adapters/messages/messages-routes.ts";
import { anthropicErrorBody, anthropicErrorResponse, anthropicErrorTypeForCode } from "../../adapters/messages/anthropic-error.ts";
import { readJsonBody } from "../read-json-body.ts";
import { markBody } from "../debug/request-marks.ts";
import { recordShimError } from "../debug/record-outcome.ts";
import type { ServerContext } from "../server-context.ts";
import { runRequestActor, sseResponse, statusForFailedCode } from "../run-request-actor.ts";

/**
 * POST /v1/messages (Anthropic Messages, for Claude Code and other Anthropic clients). Runs the
 * same request machine as /v1/responses on the `messages` column of the route table: `anthropic` models are
 * passed through, chat-completions models translated both ways. Every error is Anthropic's
 * error JSON (or an `error` event once streaming).
 */
export async function handleMessages(ctx: ServerContext, req: Request, bodyLimit: number): Promise<Response> {
  const requestId = newItemId("req");
  try {
    const raw = await readJsonBody(req, bodyLimit);
    markBody(req, raw);
    const body = validateMessagesRequest(raw);
    return await run(ctx, req, body as unknown as ResponsesRequest, requestId);
  } catch (e) {
    if (e instanceof ShimError) return anthropicErrorResponse(e, { "x-request-id": recordShimError(ctx.traces, req, "messages", e, requestId) });
    throw e;
  }
}

async function run(ctx: ServerContext, req: Request, body: ResponsesRequest, requestId: string): Promise<Response> {
  const streaming = (body as { stream?: boolean }).stream === true;
  const run = await runRequestActor(ctx, req, {
    requestId,
    body,
    streaming,
    endpoint: "messages",
    forwardHeaders: forwardedHeaders(req.headers),
    // No auto-router here: it reads Responses requests.
    logSuffix: " endpoint=messages",
  });
  const c = run.context;
  if (run.state === "aborted") return new Response(null, { status: 499 });
  if (!c.writer) {
    const err = c.error ?? new ShimError({ status: 502, code: "upstream_error", message: "The request failed before the upstream answered." });
    return anthropicErrorResponse(err, run.headers);
  }
  if (streaming) return sseResponse(run.sseBody!, run.headers);
  if (c.writer.status === "failed") {
    const e = c.writer.error ?? { code: "server_error", message: "The upstream failed." };
    return Response.json(anthropicErrorBody(anthropicErrorTypeForCode(e.code), e.message, requestId), { status: statusForFailedCode(e.code), headers: run.headers });
  }
  if (!isMessagesWriter(c.writer)) throw new Error(`the ${c.selection?.route.kind} route has no Messages writer`);
  return Response.json(c.writer.messageObject(), { headers: run.headers });
}

/** The client's `anthropic-beta` flags go on to an Anthropic upstream (relayed requests only). */
function forwardedHeaders(h: Headers): Record<string, string> {
  const beta = h.get("anthropic-beta");
  return beta ? { "anthropic-beta": beta } : {};
}
