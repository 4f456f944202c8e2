import { assign, fromPromise, setup } from "xstate";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import { ResponsesEventWriter } from "../adapters/responses/responses-event-writer.ts";
import { newResponseId } from "../adapters/responses/new-id.ts";
import type { ModelConfig, Settings } from "../adapters/settings/settings-types.ts";
import { findModel } from "../adapters/settings/settings-store.ts";
import { keyStatus } from "../adapters/settings/resolve-api-key.ts";
import type { PreparedUpstream, RouteContext, UpstreamRoute } from "../adapters/routes/upstream-route.ts";
import { routeForModel, resolveSlugRoute } from "../adapters/routes/select-route.ts";
import type { Transport } from "../adapters/transport/upstream-transport.ts";
import { ShimError } from "../adapters/errors/shim-error.ts";
import { mapUpstreamNetworkError } from "../adapters/errors/map-upstream-http-error.ts";
import { ParamRetry } from "../adapters/transport/unsupported-params.ts";
import { pumpUpstreamToResponses, type PumpOutcome } from "../adapters/stream/pump-upstream-to-responses.ts";
import type { ByteSink } from "../adapters/stream/sse-body-sink.ts";
import type { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { inputItemsOf } from "../adapters/responses/restore-previous-response.ts";

/** Everything with side effects comes in through here, so tests can swap any of it. */
export interface RequestDeps {
  transport: Transport;
  /** What finished responses handed Codex (previous_response_id, the next request of a thread). */
  conversations: ConversationCache;
  env: NodeJS.ProcessEnv;
  /** Seconds of silence towards Codex before a keep-alive event (0 = off). */
  keepAliveMs: number;
  /** Picks the concrete model for a request (the auto-router); pass-through by default. */
  classify?: (req: ResponsesRequest, settings: Settings) => Promise<string>;
}

export interface RequestInput {
  requestId: string;
  body: ResponsesRequest;
  /** The settings snapshot this request runs on, start to finish. */
  settings: Settings;
  deps: RequestDeps;
  /** The SSE body sink; a discarding sink for non-streaming clients. */
  sink: ByteSink;
  /**
   * Another endpoint's route table (e.g. `/v1/messages`): replaces the provider → route map, and
   * slug routes (ChatGPT/Cursor passthroughs, which speak only the Responses API) are skipped.
   */
  routeFor?: (model: ModelConfig) => UpstreamRoute | undefined;
  /**
   * Set for Responses requests: a finished answer is remembered in the conversation cache, under
   * the thread the request belongs to. Absent (e.g. `/v1/messages`): nothing is remembered.
   */
  conversation?: { threadKey: string | undefined };
  /** The body continues a cached response (WebSocket turns): a route may translate only the new items. */
  continuation?: RouteContext["continuation"];
}

/** What the pump, the machine and the handlers use of a writer; the Responses writer by default. */
export type OutputWriter = Pick<
  ResponsesEventWriter,
  "start" | "take" | "keepAlive" | "finished" | "hasOutput" | "fail" | "status" | "error" | "usage" | "toolCallCount" | "responseObject"
>;

/**
 * Optional extras on a route's PreparedUpstream: a different output writer (a verbatim relay, an
 * Anthropic SSE writer) and a different way to open the upstream (a local subprocess).
 */
export interface PreparedExtras {
  createWriter?(opts: { responseId: string; model: string }): OutputWriter;
  open?(signal: AbortSignal): Promise<Response>;
}

export interface Selection {
  model: ModelConfig;
  route: UpstreamRoute;
  ctx: RouteContext;
}

export interface RequestTimings {
  start: number;
  /** Upstream request handed to the transport. */
  sent?: number;
  headers?: number;
  firstOutput?: number;
  end?: number;
}

export interface RequestContext extends RequestInput {
  slug: string;
  selection: Selection | null;
  prepared: PreparedUpstream | null;
  upstream: Response | null;
  upstreamStatus: number | null;
  writer: OutputWriter | null;
  error: ShimError | null;
  abort: AbortController;
  timings: RequestTimings;
}

export type RequestEvent = { type: "CLIENT_ABORT" };

/** How the pump ended: the answer finished (completed/incomplete), failed mid-stream, or the client left. */
export type StreamOutcome = "finished" | "failed" | "aborted";

function selectUpstream(ctx: RequestContext): { selection: Selection | null; error: ShimError | null } {
  const slug = ctx.slug;
  if (!ctx.routeFor) {
    const special = resolveSlugRoute(slug, ctx.settings, ctx.deps.env);
    if (special instanceof ShimError) return { selection: null, error: special };
    if (special) return { selection: { model: special.model, route: special.route, ctx: { request: ctx.body, model: special.model, apiKey: special.apiKey, requestedSlug: slug, notes: [], continuation: ctx.continuation } }, error: null };
  }
  const model = findModel(ctx.settings, slug);
  if (!model) {
    const known = ctx.settings.models.map((m) => m.slug);
    return {
      selection: null,
      error: new ShimError({
        status: 404,
        code: "model_not_found",
        message: `Unknown model slug/model: ${slug || "(none)"}.${known.length ? ` Configured models: ${known.join(", ")}.` : " No models are configured: add one to ~/.codex-shim/models.json (see README)."}`,
      }),
    };
  }
  const key = keyStatus(model, ctx.deps.env);
  if (!key.usable) return { selection: null, error: new ShimError({ status: 401, code: "missing_api_key", type: "authentication_error", message: key.reason ?? "missing API key" }) };
  const route = (ctx.routeFor ?? routeForModel)(model);
  if (!route) return { selection: null, error: new ShimError({ status: 502, code: "unsupported_provider", message: `Unsupported model provider: ${model.provider}` }) };
  return { selection: { model, route, ctx: { request: ctx.body, model, apiKey: key.key, requestedSlug: slug, notes: [], continuation: ctx.continuation } }, error: null };
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

/**
 * One request, as an actor: classify (auto-router) → select upstream → connect → stream →
 * remember tool calls → done; or failed / aborted. Events are per phase, never per chunk: the
 * bytes flow through the pump, which runs inside the `streaming` state's invoked actor.
 */
export const requestMachine = setup({
  types: {
    context: {} as RequestContext,
    events: {} as RequestEvent,
    input: {} as RequestInput,
  },
  actors: {
    classify: fromPromise<string, { body: ResponsesRequest; settings: Settings; deps: RequestDeps }>(async ({ input }) =>
      input.deps.classify ? input.deps.classify(input.body, input.settings) : input.body.model,
    ),
    connect: fromPromise<{ response: Response; prepared: PreparedUpstream }, { selection: Selection; deps: RequestDeps; signal: AbortSignal; timings: RequestTimings }>(async ({ input }) => {
      const { selection, deps, signal } = input;
      const prepared: PreparedUpstream & PreparedExtras = selection.route.prepare(selection.ctx);
      // Optional fields this upstream model rejected before are left out; a new rejection is stripped and retried (D12).
      const paramRetry = prepared.open ? null : ParamRetry.forRoute(selection.route.kind, selection.model);
      if (paramRetry) prepared.request.body = paramRetry.applyRemembered(prepared.request.body);
      input.timings.sent = performance.now();
      let response: Response;
      for (;;) {
        try {
          response = prepared.open ? await prepared.open(signal) : await deps.transport.send(prepared.request, signal);
        } catch (err) {
          if (signal.aborted || err instanceof ShimError) throw err;
          throw mapUpstreamNetworkError(err, prepared.request.url, selection.model.slug);
        }
        if (response.ok) break;
        const bodyText = await readErrorBody(response);
        const retry = signal.aborted ? null : paramRetry?.next(response.status, bodyText, prepared.request.body);
        if (retry) {
          prepared.request.body = retry.body;
          selection.ctx.notes.push(retry.note);
          continue;
        }
        throw selection.route.mapHttpError(selection.ctx, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          bodyText,
          url: prepared.request.url,
          modelSlug: selection.model.slug,
          secrets: [selection.ctx.apiKey],
        });
      }
      return { response, prepared };
    }),
    /** Runs the data plane; reports only how the stream ended. */
    pump: fromPromise<StreamOutcome, { context: RequestContext }>(async ({ input }) => {
      const c = input.context;
      // A custom writer (PreparedExtras) has the surface the pump uses; the pump's type names the default one.
      const writer = c.writer! as ResponsesEventWriter;
      try {
        const outcome: PumpOutcome = await pumpUpstreamToResponses({
          body: c.upstream!.body,
          contentType: c.upstream!.headers.get("content-type") ?? "",
          translator: c.prepared!.createTranslator(writer),
          writer,
          sink: c.sink,
          signal: c.abort.signal,
          keepAliveMs: c.deps.keepAliveMs,
          onFirstOutput: () => (c.timings.firstOutput = performance.now()),
        });
        return outcome === "aborted" ? "aborted" : writer.status === "failed" ? "failed" : "finished";
      } finally {
        c.sink.close();
      }
    }),
    /** Only finished answers get here (failed and aborted ones end before `caching`). */
    remember: fromPromise<void, { context: RequestContext }>(async ({ input }) => {
      const c = input.context;
      if (!c.conversation) return;
      const response = c.writer!.responseObject();
      c.deps.conversations.remember({
        responseId: response.id,
        threadKey: c.conversation.threadKey,
        model: c.slug,
        input: inputItemsOf(c.body.input),
        output: response.output,
        upstreamMessages: c.prepared?.upstreamMessages,
      });
    }),
  },
  guards: {
    hasSelection: ({ context }) => context.selection !== null,
    streamFailed: ({ event }) => (event as unknown as { output: StreamOutcome }).output === "failed",
    pumpAborted: ({ event }) => (event as unknown as { output: StreamOutcome }).output === "aborted",
  },
  actions: {
    abortUpstream: ({ context }) => context.abort.abort(),
    markEnd: ({ context }) => {
      context.timings.end = performance.now();
    },
  },
}).createMachine({
  id: "request",
  context: ({ input }) => ({
    ...input,
    slug: input.body.model ?? "",
    selection: null,
    prepared: null,
    upstream: null,
    upstreamStatus: null,
    writer: null,
    error: null,
    abort: new AbortController(),
    timings: { start: performance.now() },
  }),
  initial: "classifying",
  on: { CLIENT_ABORT: ".aborted" },
  states: {
    classifying: {
      invoke: {
        id: "classify",
        src: "classify",
        input: ({ context }) => ({ body: context.body, settings: context.settings, deps: context.deps }),
        onDone: { target: "selecting", actions: assign({ slug: ({ event }) => event.output }) },
        // A router failure never fails the request: keep the requested slug.
        onError: { target: "selecting" },
      },
    },
    selecting: {
      entry: assign(({ context }) => selectUpstream(context)),
      always: [{ guard: "hasSelection", target: "connecting" }, { target: "failed" }],
    },
    connecting: {
      invoke: {
        id: "connect",
        src: "connect",
        input: ({ context }) => ({ selection: context.selection!, deps: context.deps, signal: context.abort.signal, timings: context.timings }),
        onDone: {
          target: "streaming",
          actions: assign(({ context, event }) => ({
            upstream: event.output.response,
            prepared: event.output.prepared,
            upstreamStatus: event.output.response.status,
            timings: Object.assign(context.timings, { headers: performance.now() }),
            writer:
              (event.output.prepared as PreparedExtras).createWriter?.({ responseId: newResponseId(), model: context.slug }) ??
              new ResponsesEventWriter({
                responseId: newResponseId(),
                model: context.slug,
                encodeReasoning: event.output.prepared.encodeReasoning,
              }),
          })),
        },
        onError: {
          target: "failed",
          actions: assign({
            error: ({ event }) =>
              event.error instanceof ShimError
                ? event.error
                : new ShimError({ status: 502, code: "upstream_error", message: `Upstream request failed: ${(event.error as Error)?.message ?? String(event.error)}` }),
            upstreamStatus: ({ event }) => ((event.error as ShimError)?.status ?? null),
          }),
        },
      },
    },
    streaming: {
      invoke: {
        id: "pump",
        src: "pump",
        input: ({ context }) => ({ context }),
        onDone: [
          { guard: "pumpAborted", target: "aborted" },
          { guard: "streamFailed", target: "failed" },
          { target: "caching" },
        ],
        onError: { target: "failed" },
      },
    },
    caching: {
      invoke: {
        id: "remember",
        src: "remember",
        input: ({ context }) => ({ context }),
        onDone: { target: "done" },
        onError: { target: "done" },
      },
    },
    done: { type: "final", entry: "markEnd" },
    failed: { type: "final", entry: ["abortUpstream", "markEnd"] },
    aborted: { type: "final", entry: ["abortUpstream", "markEnd"] },
  },
});

export type RequestMachine = typeof requestMachine;
