import { createActor, type SnapshotFrom } from "xstate";
import { requestMachine, type RequestContext } from "../../machines/request.machine.ts";
import { createSseBody, discardSink } from "../../adapters/stream/sse-body-sink.ts";
import { validateResponsesRequest } from "../../adapters/responses/validate-responses-request.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";
import type { ServerContext } from "../server-context.ts";
import { summarizeRequest } from "../summarize-request.ts";

type Snap = SnapshotFrom<typeof requestMachine>;

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** HTTP status for a non-streaming response that failed after the upstream answered. */
function statusForFailedCode(code: string): number {
  if (code === "context_length_exceeded" || code === "invalid_prompt") return 400;
  if (code === "rate_limit_exceeded" || code === "insufficient_quota") return 429;
  return 502;
}

/**
 * POST /v1/responses: one request actor per call. The handler waits only until the actor is
 * streaming (upstream headers arrived) or has failed, so that pre-stream failures get a real
 * HTTP status (429 + Retry-After, 400, 5xx) and everything later is a `response.failed` event.
 */
export async function handleResponses(ctx: ServerContext, req: Request, rawBody: Record<string, unknown>): Promise<Response> {
  const t0 = performance.now();
  const body = validateResponsesRequest(rawBody);
  const streaming = body.stream === true;
  const requestId = newItemId("req");
  const trace = ctx.traces.start(requestId, body.model);
  let actorRef: ReturnType<typeof createActor<typeof requestMachine>> | null = null;
  const { body: sseBody, sink } = streaming ? createSseBody(() => clientGone()) : { body: null, sink: discardSink };
  const actor = createActor(requestMachine, {
    input: {
      requestId,
      body,
      settings: ctx.store.current,
      sink,
      deps: { transport: ctx.transport, toolCallCache: ctx.toolCallCache, env: ctx.env, keepAliveMs: ctx.keepAliveMs, classify: ctx.classify },
    },
    inspect: (ev) => {
      if (ev.actorRef !== actorRef) return;
      if (ev.type === "@xstate.event") trace.steps.push({ at: Date.now() - trace.startedAt, event: ev.event.type, state: "" });
      else if (ev.type === "@xstate.snapshot") {
        // the state the event led to (microsteps through transient states are collapsed)
        const last = trace.steps[trace.steps.length - 1];
        if (last) last.state = String((ev.snapshot as { value?: unknown }).value);
      }
    },
  });
  actorRef = actor;
  // Both the SSE body's cancel and the request signal report a vanished client; the actor may already be final.
  const clientGone = () => {
    if (actorRef?.getSnapshot().status === "active") actorRef.send({ type: "CLIENT_ABORT" });
  };
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
    ctx.log(summarizeRequest(requestId, s.context, String(s.value)));
  });

  const signal = req.signal;
  const onAbort = () => clientGone();
  if (signal.aborted) queueMicrotask(onAbort);
  else signal.addEventListener("abort", onAbort, { once: true });
  settled.then(() => signal.removeEventListener("abort", onAbort));

  actor.start();
  const snap = streaming ? await firstOf(actor, settled) : await settled;
  const c = snap.context;
  if (snap.value === "aborted") return new Response(null, { status: 499 });
  const overhead = overheadHeader(c, t0);
  if (!c.writer) {
    const err = c.error ?? new ShimError({ status: 502, code: "upstream_error", message: "The request failed before the upstream answered." });
    return err.toResponse({ "x-request-id": requestId, ...overhead });
  }
  if (streaming) return new Response(sseBody, { status: 200, headers: { ...SSE_HEADERS, "x-request-id": requestId, ...overhead } });
  const obj = c.writer.responseObject();
  const status = obj.status === "failed" && obj.error ? statusForFailedCode(obj.error.code) : 200;
  return Response.json(obj, { status, headers: { "x-request-id": requestId, ...overhead } });
}

/** Time the shim itself spent on the request so far: before the upstream call and after its headers. */
function overheadHeader(c: RequestContext, t0: number): Record<string, string> {
  const { sent, headers } = c.timings;
  if (sent === undefined || headers === undefined) return {};
  return { "x-codex-shim-overhead-ms": (sent - t0 + (performance.now() - headers)).toFixed(2) };
}

function firstOf(actor: ReturnType<typeof createActor<typeof requestMachine>>, settled: Promise<Snap>): Promise<Snap> {
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
