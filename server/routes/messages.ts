import { createActor, type SnapshotFrom } from "xstate";
import { requestMachine } from "../../machines/request.machine.ts";
import type { ResponsesRequest } from "../../adapters/responses/responses-types.ts";
import { createSseBody, discardSink } from "../../adapters/stream/sse-body-sink.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import { validateMessagesRequest } from "../../adapters/messages-endpoint/validate-messages-request.ts";
import { messagesRouteFor, type MessagesWriter } from "../../adapters/messages-endpoint/messages-routes.ts";
import { anthropicErrorBody, anthropicErrorResponse, anthropicErrorTypeForCode } from "../../adapters/messages-endpoint/anthropic-error.ts";
import { readJsonBody } from "../read-json-body.ts";
import type { ServerContext } from "../server-context.ts";
import { summarizeRequest } from "../summarize-request.ts";

type Snap = SnapshotFrom<typeof requestMachine>;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

function statusForFailedCode(code: string): number {
  if (code === "context_length_exceeded" || code === "invalid_prompt") return 400;
  if (code === "rate_limit_exceeded" || code === "insufficient_quota" || code === "rate_limit_error") return 429;
  return 502;
}

/**
 * POST /v1/messages (Anthropic Messages, for Claude Code and other Anthropic clients). Runs the
 * same request machine as /v1/responses with the Messages route table: `anthropic` models are
 * passed through, chat-completions models translated both ways. Every error is Anthropic's
 * error JSON (or an `error` event once streaming).
 */
export async function handleMessages(ctx: ServerContext, req: Request, bodyLimit: number): Promise<Response> {
  const requestId = newItemId("req");
  try {
    const body = validateMessagesRequest(await readJsonBody(req, bodyLimit));
    return await run(ctx, req, body as unknown as ResponsesRequest, requestId);
  } catch (e) {
    if (e instanceof ShimError) return anthropicErrorResponse(e, { "x-request-id": requestId });
    throw e;
  }
}

async function run(ctx: ServerContext, req: Request, body: ResponsesRequest, requestId: string): Promise<Response> {
  const streaming = (body as { stream?: boolean }).stream === true;
  const trace = ctx.traces.start(requestId, body.model);
  let actorRef: ReturnType<typeof createActor<typeof requestMachine>> | null = null;
  const { body: sseBody, sink } = streaming ? createSseBody(() => actorRef?.send({ type: "CLIENT_ABORT" })) : { body: null, sink: discardSink };
  const actor = createActor(requestMachine, {
    input: {
      requestId,
      body,
      settings: ctx.store.current,
      sink,
      // No auto-router here: it reads Responses requests.
      deps: { transport: ctx.transport, toolCallCache: ctx.toolCallCache, env: ctx.env, keepAliveMs: ctx.keepAliveMs },
      routeFor: messagesRouteFor({ anthropicBeta: req.headers.get("anthropic-beta") }),
    },
  });
  actorRef = actor;
  const settled = new Promise<Snap>((resolve) => {
    const sub = actor.subscribe((s) => {
      if (s.status === "done") {
        sub.unsubscribe();
        resolve(s);
      }
    });
  });
  settled.then((s) => {
    trace.final = String(s.value);
    ctx.log(`${summarizeRequest(requestId, s.context, String(s.value))} endpoint=messages`);
  });
  const signal = req.signal;
  const onAbort = () => actor.send({ type: "CLIENT_ABORT" });
  if (signal.aborted) queueMicrotask(onAbort);
  else signal.addEventListener("abort", onAbort, { once: true });
  settled.then(() => signal.removeEventListener("abort", onAbort));

  actor.start();
  const snap = streaming ? await untilStreaming(actor, settled) : await settled;
  const c = snap.context;
  if (snap.value === "aborted") return new Response(null, { status: 499 });
  if (!c.writer) {
    const err = c.error ?? new ShimError({ status: 502, code: "upstream_error", message: "The request failed before the upstream answered." });
    return anthropicErrorResponse(err, { "x-request-id": requestId });
  }
  if (streaming) return new Response(sseBody, { status: 200, headers: { ...SSE_HEADERS, "x-request-id": requestId } });
  if (c.writer.status === "failed") {
    const e = c.writer.error ?? { code: "server_error", message: "The upstream failed." };
    return Response.json(anthropicErrorBody(anthropicErrorTypeForCode(e.code), e.message, requestId), { status: statusForFailedCode(e.code), headers: { "x-request-id": requestId } });
  }
  return Response.json((c.writer as unknown as MessagesWriter).messageObject(), { headers: { "x-request-id": requestId } });
}

function untilStreaming(actor: ReturnType<typeof createActor<typeof requestMachine>>, settled: Promise<Snap>): Promise<Snap> {
  return new Promise<Snap>((resolve) => {
    const check = (s: Snap) => {
      if (s.status === "done" || s.matches("streaming")) {
        sub.unsubscribe();
        resolve(s);
      }
    };
    const sub = actor.subscribe(check);
    check(actor.getSnapshot());
    settled.then(resolve);
  });
}
