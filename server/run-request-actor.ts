import { createActor, type SnapshotFrom } from "xstate";
import { requestMachine, type RequestContext, type RequestInput } from "../machines/request.machine.ts";
import { FastResponse } from "srvx";
import { createSseBody, discardSink, type ByteSink } from "../adapters/stream/sse-body-sink.ts";
import { createNodeSseBody, type NodeSseBody } from "../adapters/stream/node-sse-body.ts";
import { nodeRuntimeOf } from "./node-runtime.ts";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import type { ServerContext } from "./server-context.ts";
import type { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { summarizeRequest } from "./summarize-request.ts";
import { newTrace, type TraceEndpoint } from "./debug/request-trace.ts";
import { TraceRecorder } from "./debug/trace-recorder.ts";
import { bindTrace, receivedAt } from "./debug/request-marks.ts";
import { codexIdsOf, describeClient } from "./debug/describe-client.ts";
import { pathOfUrl } from "./debug/redact-for-inspector.ts";

type Snap = SnapshotFrom<typeof requestMachine>;

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

/** The 200 SSE answer; srvx hands the ServerResponse to a Node body (`body.pipe(res)`), which writes into it directly. */
export function sseResponse(body: ReadableStream<Uint8Array> | NodeSseBody, headers: Record<string, string>): Response {
  const init = { status: 200, headers: { ...SSE_HEADERS, ...headers } };
  return body instanceof ReadableStream ? new Response(body, init) : (new FastResponse(body as unknown as BodyInit, init) as unknown as Response);
}

/** HTTP status for a non-streaming answer that failed after the upstream answered. */
export function statusForFailedCode(code: string): number {
  if (code === "context_length_exceeded" || code === "invalid_prompt") return 400;
  if (code === "rate_limit_exceeded" || code === "insufficient_quota" || code === "rate_limit_error") return 429;
  return 502;
}

export interface RunRequestOptions {
  requestId: string;
  body: ResponsesRequest;
  streaming: boolean;
  /** Which endpoint's routes serve the request (default `responses`). */
  endpoint?: RequestInput["endpoint"];
  /** Client headers routes may forward. */
  forwardHeaders?: RequestInput["forwardHeaders"];
  /** The auto-router; only for Responses requests (`routerDeps`). */
  classify?: RequestInput["deps"]["classify"];
  classifies?: RequestInput["deps"]["classifies"];
  /** Remember the finished answer in the conversation cache (Responses requests only). */
  conversation?: RequestInput["conversation"];
  /** Appended to the request's summary log line. */
  logSuffix?: string;
  /** Where the events go instead of an SSE body (a WebSocket frame sink). */
  sink?: ByteSink;
  /** Where a finished answer is remembered instead of the server's cache (a WebSocket connection's own). */
  conversations?: ConversationCache;
  /** The body continues a cached response: routes may translate only the new items. */
  continuation?: RequestInput["continuation"];
  /** How the inspector names the endpoint when it is not `endpoint` (a compaction runs on the responses routes). */
  traceEndpoint?: TraceEndpoint;
  /** Called once when the actor is final, before a non-streaming answer is returned. */
  onFinal?: (context: RequestContext, state: RunRequestResult["state"]) => void;
}

export interface RunRequestResult {
  /** The actor's state when the handler can answer: streaming, or final. */
  state: "streaming" | "done" | "failed" | "aborted";
  context: RequestContext;
  /** The SSE body to return when streaming (null for non-streaming clients): a direct ServerResponse writer on the Node server. */
  sseBody: ReadableStream<Uint8Array> | NodeSseBody | null;
  /** `x-request-id` and `x-codex-shim-overhead-ms`. */
  headers: Record<string, string>;
  /** Settles with the final context once the actor is done (the stream has ended). */
  finished: Promise<RequestContext>;
}

/**
 * Runs one request actor for an HTTP request, the part every model endpoint shares: tracing for
 * /debug, the summary log line, client-disconnect → CLIENT_ABORT, and waiting only until the actor
 * is streaming (upstream headers in) or final, so pre-stream failures keep a real HTTP status
 * (docs/decisions.md D5).
 */
/** What the actor needs of the client's request (an HTTP request, or a WebSocket turn's stand-in). */
export type ActorRequest = Pick<Request, "signal" | "headers" | "method" | "url">;

export async function runRequestActor(ctx: ServerContext, req: ActorRequest, o: RunRequestOptions): Promise<RunRequestResult> {
  const t0 = performance.now();
  const recorder = startTrace(ctx, req, o);
  // the actor's initial state (route selection included) is computed when it is created
  const startedAt = recorder.now();
  let actorRef: ReturnType<typeof createActor<typeof requestMachine>> | null = null;
  // Both the SSE body's cancel and the request signal report a vanished client; the actor may already be final.
  const clientGone = () => {
    if (actorRef?.getSnapshot().status === "active") actorRef.send({ type: "CLIENT_ABORT" });
  };
  const nodeRes = o.sink || !o.streaming ? undefined : nodeRuntimeOf(req)?.res;
  const { body: sseBody, sink } = o.sink ? { body: null, sink: o.sink } : !o.streaming ? { body: null, sink: discardSink } : nodeRes ? createNodeSseBody(nodeRes, clientGone) : createSseBody(clientGone);
  const actor = createActor(requestMachine, {
    input: {
      requestId: o.requestId,
      body: o.body,
      settings: ctx.store.current,
      sink: recorder.sink(sink),
      deps: { transport: recorder.transport(ctx.transport), conversations: o.conversations ?? ctx.conversations, env: ctx.env, keepAliveMs: ctx.keepAliveMs, classify: o.classify, classifies: o.classifies },
      endpoint: o.endpoint,
      forwardHeaders: o.forwardHeaders,
      headers: req.headers,
      conversation: o.conversation,
      continuation: o.continuation,
    },
    inspect: recorder.inspect,
  });
  actorRef = actor;
  recorder.attach(actor, startedAt);

  const nodeResponse = o.sink ? undefined : nodeRuntimeOf(req)?.res;
  let resolveAnswerable!: (s: Snap) => void;
  const answerable = new Promise<Snap>((r) => (resolveAnswerable = r));
  let resolveFinished!: (c: RequestContext) => void;
  const finished = new Promise<RequestContext>((r) => (resolveFinished = r));
  const sub = actor.subscribe((s) => {
    if (s.status === "done") {
      sub.unsubscribe();
      recorder.finish(String(s.value), s.context);
      const werr = s.context.writer?.error;
      // a non-streaming client gets an HTTP error for a stream that failed after the upstream answered
      const shimStatus = !o.streaming && s.value === "failed" && !s.context.error && werr ? statusForFailedCode(werr.code) : undefined;
      ctx.log(summarizeRequest(o.requestId, s.context, String(s.value), shimStatus) + (o.logSuffix ?? ""));
      o.onFinal?.(s.context, s.value as RunRequestResult["state"]);
      if (!nodeResponse) req.signal.removeEventListener("abort", clientGone);
      resolveAnswerable(s);
      resolveFinished(s.context);
    } else if (o.streaming && s.matches("streaming")) {
      resolveAnswerable(s);
    }
  });
  // On the Node server a vanished client is the response closing before it ended (reading srvx's
  // request signal builds an AbortController and a close listener per request); elsewhere the signal.
  if (nodeResponse) nodeResponse.once("close", () => nodeResponse.writableEnded || clientGone());
  else if (req.signal.aborted) queueMicrotask(clientGone);
  else req.signal.addEventListener("abort", clientGone, { once: true });

  actor.start();
  const snap = await answerable;
  const c = snap.context;
  const headers: Record<string, string> = { "x-request-id": o.requestId };
  const { sent, headers: gotHeaders } = c.timings;
  // Time the shim itself spent so far: before the upstream call and after its headers.
  if (sent !== undefined && gotHeaders !== undefined) headers["x-codex-shim-overhead-ms"] = (sent - t0 + (performance.now() - gotHeaders)).toFixed(2);
  return { state: snap.value as RunRequestResult["state"], context: c, sseBody, headers, finished };
}

/** The request's inspector trace (and its capture, when capturing is on). */
function startTrace(ctx: ServerContext, req: ActorRequest, o: RunRequestOptions): TraceRecorder {
  const body = o.body as unknown as Record<string, unknown>;
  const trace = newTrace({
    id: o.requestId,
    endpoint: o.traceEndpoint ?? o.endpoint ?? "responses",
    method: req.method,
    path: pathOfUrl(req.url),
    requestedModel: typeof o.body.model === "string" ? o.body.model : "",
    client: describeClient(req.headers),
    codex: codexIdsOf(req.headers, body),
  });
  trace.stream = o.streaming;
  const capture = ctx.traces.captures.begin(o.requestId, req.headers, body);
  trace.captured = capture !== null;
  bindTrace(req, trace);
  ctx.traces.add(trace);
  return new TraceRecorder(trace, ctx.traces, receivedAt(req), capture);
}

/** The auto-router as the request machine's `classifying` step; a test's own `ctx.classify` classifies every request. */
export function routerDeps(ctx: ServerContext): Pick<RunRequestOptions, "classify" | "classifies"> {
  if (ctx.classify) return { classify: ctx.classify };
  return ctx.router ? { classify: ctx.router.classify, classifies: ctx.router.classifies } : {};
}
