import { assign, fromPromise, setup } from "xstate";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import { newResponseId } from "../adapters/responses/new-id.ts";
import type { Settings } from "../adapters/settings/settings-types.ts";
import type { OutputWriter, PreparedUpstream, RouteContext, RouteOutput, StreamTranslator } from "../adapters/routes/upstream-route.ts";
import { selectRoute, type Selection } from "../adapters/routes/select-route.ts";
import type { Endpoint } from "../adapters/routes/route-table.ts";
import type { Transport } from "../adapters/transport/upstream-transport.ts";
import { ShimError, withUpstreamStatus } from "../adapters/errors/shim-error.ts";
import { mapUpstreamNetworkError } from "../adapters/errors/map-upstream-http-error.ts";
import { ParamRetry } from "../adapters/transport/unsupported-params.ts";
import { pumpUpstreamToResponses } from "../adapters/stream/pump-upstream-to-responses.ts";
import type { ByteSink } from "../adapters/stream/sse-body-sink.ts";
import type { ConversationCache, ConversationReservation } from "../adapters/responses/conversation-cache.ts";
import { reserveConversationEntry } from "./reserve-conversation-entry.ts";
import { buildResponseEcho, type ResponseEcho } from "../adapters/responses/build-response-resource.ts";
import type { ClassifyInput, ClassifyResult } from "../adapters/router/classify-types.ts";
import type { RouteDecision } from "../adapters/router/route-decision.ts";
import { rememberUpstreamFailure } from "../adapters/router/spill-signal.ts";

export type { Selection };

/** Everything with side effects comes in through here, so tests can swap any of it. */
export interface RequestDeps {
  transport: Transport;
  /** What finished responses handed Codex (previous_response_id, the next request of a thread). */
  conversations: ConversationCache;
  env: NodeJS.ProcessEnv;
  /** Milliseconds of silence towards the client before a keep-alive event (0 = off). */
  keepAliveMs: number;
  /** Picks the concrete model slug for a request (the auto-router); absent = the requested slug. */
  classify?: (input: ClassifyInput) => Promise<ClassifyResult>;
  /** Whether `classify` has anything to decide for this request (absent: every request is classified). */
  classifies?: (body: ResponsesRequest, settings: Settings) => boolean;
}

export interface RequestInput {
  requestId: string;
  body: ResponsesRequest;
  /** The settings snapshot this request runs on, start to finish. */
  settings: Settings;
  deps: RequestDeps;
  /** The SSE body sink; a discarding sink for non-streaming clients. */
  sink: ByteSink;
  /** Which endpoint's column of the route table serves the request (default `responses`). */
  endpoint?: Endpoint;
  /** Client headers routes may forward (RouteContext.forwardHeaders). */
  forwardHeaders?: Readonly<Record<string, string>>;
  /** The client's request headers (the router reads Codex's thread/turn ids from them). */
  headers?: Headers;
  /**
   * Set for Responses requests: a finished answer is remembered in the conversation cache, under
   * the thread the request belongs to. Absent (e.g. `/v1/messages`): nothing is remembered.
   */
  conversation?: {
    threadKey: string | undefined;
    /** The id the client continued: the body was rebuilt without it (stateless upstreams), the response still names it. */
    previousResponseId?: string;
    /** The request body's byte length, when `body.input` is its own (the cache entry's size estimate). */
    bodyBytes?: number;
    /** Let go of the history once the upstream answered (reserve-conversation-entry.ts); not when something reads it at the end. */
    releaseHistory?: boolean;
  };
  /** The body continues a cached response (WebSocket turns): a route may translate only the new items. */
  continuation?: RouteContext["continuation"];
}

export interface RequestTimings {
  start: number;
  /** Upstream request handed to the transport. */
  sent?: number;
  headers?: number;
  firstOutput?: number;
  end?: number;
}

/**
 * The request as it came in (`input`, never reassigned) and what the machine learned. Kept to a
 * dozen keys: XState copies the context on every `assign`, and a copy of ~20 keys or more makes V8
 * build a dictionary-mode object each time (measured ~4 µs per assign, docs/performance.md).
 */
export interface RequestContext {
  readonly input: RequestInput;
  slug: string;
  /** The auto-router's decision, when the request named the router's slug. */
  routing: RouteDecision | null;
  selection: Selection | null;
  prepared: PreparedUpstream | null;
  upstream: Response | null;
  upstreamStatus: number | null;
  writer: OutputWriter | null;
  translator: StreamTranslator | null;
  error: ShimError | null;
  abort: AbortController;
  timings: RequestTimings;
}

export type RequestEvent = { type: "CLIENT_ABORT" };

/** How the pump ended: the answer finished (completed/incomplete), failed mid-stream, or the client left. */
export type StreamOutcome = "finished" | "failed" | "aborted";

interface ConnectOutput {
  response: Response;
  prepared: PreparedUpstream;
  writer: OutputWriter;
  translator: StreamTranslator;
  sentAt: number;
  headersAt: number;
}

interface PumpOutput {
  outcome: StreamOutcome;
  firstOutputAt: number | undefined;
  /** The cache entry held for a finished answer (committed by `remember`). */
  reservation: ConversationReservation | undefined;
}

const MAX_ERROR_BODY = 64 * 1024;

async function readErrorBody(res: Response): Promise<string> {
  try {
    const text = await res.text();
    return text.length > MAX_ERROR_BODY ? text.slice(0, MAX_ERROR_BODY) : text;
  } catch {
    return "";
  }
}

/** One upstream call: prepare, send (stripping rejected optional fields and retrying, D12), map HTTP errors. */
async function connect(selection: Selection, deps: RequestDeps, signal: AbortSignal, slug: string, echo: ResponseEcho): Promise<ConnectOutput> {
  const { route, model, ctx } = selection;
  const prepared = route.prepare(ctx);
  const request = { ...prepared.request };
  // Optional fields this upstream model rejected before are left out; a new rejection is stripped and retried.
  const paramRetry = route.paramWire && !prepared.open ? ParamRetry.forWire(route.paramWire, model) : null;
  if (paramRetry) request.body = paramRetry.applyRemembered(request.body);
  const sentAt = performance.now();
  let output: RouteOutput | null = null;
  const outputFor = () => (output ??= prepared.createOutput({ responseId: newResponseId(), model: slug, echo }));
  for (;;) {
    let response: Response;
    const answer = prepared.open ? prepared.open(signal) : deps.transport.send(request, signal);
    // While the upstream works (the request is on the wire by then), the answer's writer prepares
    // its opening events: for a Codex request, serializing the ~20 KB request echo.
    const warm = setImmediate(() => outputFor().writer.warm?.());
    try {
      response = await answer;
    } catch (err) {
      if (signal.aborted || err instanceof ShimError) throw err;
      throw mapUpstreamNetworkError(err, request.url, model.slug);
    } finally {
      clearImmediate(warm);
    }
    if (response.ok) {
      const { writer, translator } = outputFor();
      return { response, prepared: { ...prepared, request }, writer, translator, sentAt, headersAt: performance.now() };
    }
    const bodyText = await readErrorBody(response);
    const retry = signal.aborted ? null : paramRetry?.next(response.status, bodyText, request.body);
    if (retry) {
      request.body = retry.body;
      ctx.notes.push(retry.note); // notes: the route context's append-only log sink
      continue;
    }
    const mapped = withUpstreamStatus(response.status, route.mapHttpError(ctx, { status: response.status, statusText: response.statusText, headers: response.headers, bodyText, url: request.url, modelSlug: model.slug, secrets: [ctx.apiKey] }));
    // the auto-router reads reset times from it when it spills to another candidate
    rememberUpstreamFailure(mapped, { status: response.status, headers: response.headers, bodyText });
    throw mapped;
  }
}

/**
 * One request, as an actor. Every state does one job:
 *   classifying  the auto-router seam: deps.classify picks the model slug (a router bug keeps the requested
 *                one; the router's own refusal fails the request); a routed request that gets 429 / quota /
 *                overload / context overflow in `connecting` goes back to `selecting` with the next candidate.
 *                Passed through at once when there is nothing to classify (no router, not the router's slug)
 *   selecting    the route table: slug passthroughs, then the settings row → route (404/401/502 when none)
 *   connecting   the upstream call, parameter retries, HTTP error mapping; creates the route's output
 *   streaming    the pump (the data plane: bytes never become machine events)
 *   caching      the conversation cache remembers what the finished answer handed the client (synchronous)
 * and the final states done / failed / aborted (failed and aborted abort the upstream call).
 */
export const requestMachine = setup({
  types: {
    context: {} as RequestContext,
    events: {} as RequestEvent,
    input: {} as RequestInput,
  },
  actors: {
    classify: fromPromise<ClassifyResult, { input: ClassifyInput; deps: RequestDeps }>(async ({ input }) =>
      input.deps.classify ? input.deps.classify(input.input) : { slug: input.input.body.model },
    ),
    connect: fromPromise<ConnectOutput, { selection: Selection; deps: RequestDeps; signal: AbortSignal; slug: string; echo: ResponseEcho }>(async ({ input }) =>
      connect(input.selection, input.deps, input.signal, input.slug, input.echo),
    ),
    /** Runs the data plane; reports only how the stream ended. */
    pump: fromPromise<PumpOutput, { context: RequestContext }>(async ({ input }) => {
      const c = input.context;
      const writer = c.writer!;
      const sink = c.input.sink;
      let firstOutputAt: number | undefined;
      let outcome: StreamOutcome = "failed";
      const reservation = reserveConversationEntry({ conversations: c.input.deps.conversations, conversation: c.input.conversation, responseId: c.input.requestId, slug: c.slug, body: c.input.body, prepared: c.prepared });
      try {
        const pumped = await pumpUpstreamToResponses({
          body: c.upstream!.body,
          contentType: c.upstream!.headers.get("content-type") ?? "",
          translator: c.translator!,
          writer,
          sink,
          signal: c.abort.signal,
          keepAliveMs: c.input.deps.keepAliveMs,
          onFirstOutput: () => (firstOutputAt = performance.now()),
        });
        outcome = pumped === "aborted" ? "aborted" : writer.status === "failed" ? "failed" : "finished";
        return { outcome, firstOutputAt, reservation };
      } finally {
        if (outcome !== "finished") reservation?.cancel();
        sink.close();
      }
    }),
  },
  guards: {
    nothingToClassify: ({ context: { input } }) => !input.deps.classify || input.deps.classifies?.(input.body, input.settings) === false,
    hasSelection: ({ context }) => context.selection !== null,
    routerRefused: ({ event }) => (event as unknown as { error: unknown }).error instanceof ShimError,
    canSpill: ({ context, event }) => !context.abort.signal.aborted && context.routing?.spillTarget(context.slug, (event as unknown as { error: unknown }).error) != null,
    streamFailed: ({ event }) => (event as unknown as { output: PumpOutput }).output.outcome === "failed",
    pumpAborted: ({ event }) => (event as unknown as { output: PumpOutput }).output.outcome === "aborted",
  },
  actions: {
    /** Only finished answers get here (failed and aborted ones end before `caching`); the answer is already out, so a cache failure is not the request's. */
    remember: ({ context: c, event }) => {
      const reservation = (event as unknown as { output: PumpOutput }).output.reservation;
      if (!reservation) return;
      try {
        const response = c.writer!.responseObject();
        reservation.commit(response.output, response.id);
      } catch {
        // not remembered: a later previous_response_id gets previous_response_not_found
        reservation.cancel();
      }
    },
    abortUpstream: ({ context }) => context.abort.abort(),
    spillToNextCandidate: assign(({ context, event }) => ({
      slug: context.routing?.spill(context.slug, (event as unknown as { error: unknown }).error) ?? context.slug,
      selection: null,
    })),
    markEnd: assign({ timings: ({ context }) => ({ ...context.timings, end: performance.now() }) }),
    recordFirstOutput: assign({ timings: ({ context, event }) => ({ ...context.timings, firstOutput: (event as unknown as { output: PumpOutput }).output.firstOutputAt }) }),
  },
}).createMachine({
  id: "request",
  context: ({ input }) => ({
    input,
    slug: input.body.model ?? "",
    routing: null,
    selection: null,
    prepared: null,
    upstream: null,
    upstreamStatus: null,
    writer: null,
    translator: null,
    error: null,
    abort: new AbortController(),
    timings: { start: performance.now() },
  }),
  initial: "classifying",
  on: { CLIENT_ABORT: ".aborted" },
  states: {
    classifying: {
      // no router, or a slug that is not the router's: nothing to decide, no actor
      always: { guard: "nothingToClassify", target: "selecting" },
      invoke: {
        id: "classify",
        src: "classify",
        input: ({ context: { input, abort } }) => ({
          input: { requestId: input.requestId, body: input.body, settings: input.settings, headers: input.headers, signal: abort.signal },
          deps: input.deps,
        }),
        onDone: { target: "selecting", actions: assign(({ event }) => ({ slug: event.output.slug, routing: event.output.decision ?? null })) },
        onError: [
          // The router's own answer (disabled, no usable candidate, images without a vision model).
          { guard: "routerRefused", target: "failed", actions: assign({ error: ({ event }) => event.error as ShimError }) },
          // A router bug never fails the request: keep the requested slug.
          { target: "selecting" },
        ],
      },
    },
    selecting: {
      entry: assign(({ context: { input, slug } }) => {
        const picked = selectRoute({
          endpoint: input.endpoint ?? "responses",
          slug,
          request: input.body,
          settings: input.settings,
          env: input.deps.env,
          forwardHeaders: input.forwardHeaders ?? {},
          continuation: input.continuation,
        });
        return picked instanceof ShimError ? { selection: null, error: picked } : { selection: picked, error: null };
      }),
      always: [{ guard: "hasSelection", target: "connecting" }, { target: "failed" }],
    },
    connecting: {
      invoke: {
        id: "connect",
        src: "connect",
        input: ({ context }) => ({
          selection: context.selection!,
          deps: context.input.deps,
          signal: context.abort.signal,
          slug: context.slug,
          echo: buildResponseEcho(context.input.body, context.input.conversation?.previousResponseId),
        }),
        onDone: {
          target: "streaming",
          actions: assign(({ context, event }) => ({
            upstream: event.output.response,
            prepared: event.output.prepared,
            upstreamStatus: event.output.response.status,
            writer: event.output.writer,
            translator: event.output.translator,
            timings: { ...context.timings, sent: event.output.sentAt, headers: event.output.headersAt },
          })),
        },
        onError: [
          // 429 / out of quota / overloaded / context overflow before any byte reached the client:
          // the auto-router's next adequate candidate gets the same request.
          { guard: "canSpill", target: "selecting", actions: "spillToNextCandidate" },
          {
            target: "failed",
            actions: assign({
              error: ({ event }) =>
                event.error instanceof ShimError
                  ? event.error
                  : new ShimError({ status: 502, code: "upstream_error", message: `Upstream request failed: ${(event.error as Error)?.message ?? String(event.error)}` }),
              upstreamStatus: ({ event }) => ((event.error as ShimError)?.upstreamStatus ?? null),
            }),
          },
        ],
      },
    },
    streaming: {
      invoke: {
        id: "pump",
        src: "pump",
        input: ({ context }) => ({ context }),
        onDone: [
          { guard: "pumpAborted", target: "aborted", actions: "recordFirstOutput" },
          { guard: "streamFailed", target: "failed", actions: "recordFirstOutput" },
          { target: "caching", actions: "recordFirstOutput" },
        ],
        onError: { target: "failed" },
      },
    },
    // a synchronous step: an action, not an invoked actor
    caching: { entry: "remember", always: { target: "done" } },
    done: { type: "final", entry: "markEnd" },
    failed: { type: "final", entry: ["abortUpstream", "markEnd"] },
    aborted: { type: "final", entry: ["abortUpstream", "markEnd"] },
  },
});

export type RequestMachine = typeof requestMachine;
