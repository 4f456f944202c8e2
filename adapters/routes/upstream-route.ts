import type { InputItem, ResponseObject, ResponseStatus, ResponsesErrorBody, ResponsesRequest, ResponsesUsage } from "../responses/responses-types.ts";
import type { CachedConversation } from "../responses/conversation-cache.ts";
import type { ModelConfig, Settings } from "../settings/settings-types.ts";
import type { UpstreamRequest } from "../transport/upstream-transport.ts";
import type { ShimError } from "../errors/shim-error.ts";
import type { UpstreamHttpFailure } from "../errors/map-upstream-http-error.ts";
import type { ParamWire } from "../transport/unsupported-params.ts";
import type { ResponseEcho } from "../responses/build-response-resource.ts";

/**
 * The route contract: everything the request machine knows about an upstream. A route turns one
 * request into one upstream call (`prepare`), says how that call is answered to the client
 * (`createOutput`: the translator and the writer it writes into, made together), maps the
 * upstream's HTTP errors, and names the request wire whose optional fields may be stripped and
 * retried. The machine imports this file; routes never import the machine.
 *
 *   prepare(ctx) ─▶ PreparedUpstream.request ─▶ transport.send (or PreparedUpstream.open)
 *                                                  │ non-2xx ─▶ mapHttpError (after paramWire retries)
 *                   PreparedUpstream.createOutput ─▶ { translator, writer } ─▶ the pump
 */

export interface RouteContext {
  request: ResponsesRequest;
  model: ModelConfig;
  /** Resolved at request time; empty for keyless local servers. Never logged. */
  apiKey: string;
  /** The slug Codex asked for (echoed back as the response model). */
  requestedSlug: string;
  /** Notes for the request's summary log line (never prompt text or keys). */
  notes: string[];
  /**
   * Set when `request.input` is a cached response's conversation plus `newItems` (a WebSocket
   * continuation): a route may append the translation of the items after `previous.input` to
   * `previous.upstreamMessages` instead of translating the whole history again.
   */
  continuation?: { previous: CachedConversation; newItems: readonly InputItem[] };
  /** Client headers the endpoint lets routes forward (e.g. `anthropic-beta` on /v1/messages). */
  forwardHeaders?: Readonly<Record<string, string>>;
}

/**
 * Consumes one upstream response. The pump calls `onEvent` once per SSE event (or `onJsonBody`
 * when the upstream answered with plain JSON), then `onEnd` at EOF. The translator writes to its
 * writer and must leave it finished (completed, incomplete or failed) after `onEnd`.
 */
export interface StreamTranslator {
  onEvent(data: string, event: string | undefined): void;
  onJsonBody(body: unknown): void;
  onEnd(): void;
}

/**
 * What the pump, the machine and the endpoint handlers use of a writer: the bytes for the client
 * (drained once per upstream read), the outcome, and the final object for non-streaming clients.
 * Implemented by the Responses writer, the ChatGPT and Anthropic relays and the Anthropic SSE writer.
 */
export interface OutputWriter {
  readonly status: ResponseStatus;
  readonly error: ResponsesErrorBody | null;
  readonly usage: ResponsesUsage | null;
  /** Tool calls emitted, for the request log. */
  readonly toolCallCount: number;
  /** True once any output (text, reasoning, tool call) has been written. */
  readonly hasOutput: boolean;
  readonly finished: boolean;
  /** The stream's opening events (nothing for relays, which forward the upstream's own). */
  start(): void;
  /** Optional: what `start` can prepare before the upstream answers (called while its headers are awaited, off the time to first token). */
  warm?(): void;
  /** The bytes written since the last call, as text. */
  take(): string;
  /** An event that resets the client's idle timer. */
  keepAlive(): void;
  /** Ends the output as failed (a mid-stream error event). */
  fail(code: string, message: string): void;
  /** The Responses object: the final answer of a non-streaming client, and what the conversation cache keeps. */
  responseObject(): ResponseObject;
}

/** A route's answer path: the translator and the writer it writes into, created together. */
export interface RouteOutput {
  translator: StreamTranslator;
  writer: OutputWriter;
}

export interface OutputOptions {
  /** The response id the client will see. */
  responseId: string;
  /** The slug to report as the response model. */
  model: string;
  /** The request's settings every Responses `response` object echoes (ResponseResource); the machine always passes it. */
  echo?: ResponseEcho;
}

/** One upstream call, prepared: what to send, how to open it, how to read the answer. */
export interface PreparedUpstream {
  request: UpstreamRequest;
  /** Opens the upstream without the HTTP transport (a local subprocess); the request then only feeds logs. */
  open?(signal: AbortSignal): Promise<Response>;
  createOutput(o: OutputOptions): RouteOutput;
  /** The translated upstream messages (kept by reference in the conversation cache), when the route built any. */
  upstreamMessages?: readonly unknown[];
}

export interface UpstreamRoute {
  /** For logs and /debug. */
  readonly kind: string;
  /**
   * The request format this route builds, whose optional fields may be stripped and retried when
   * the upstream rejects them (adapters/transport/unsupported-params.ts, D12). Absent for routes
   * that send a body the shim did not build (relays) or no HTTP body at all (subprocesses).
   */
  readonly paramWire?: ParamWire;
  prepare(ctx: RouteContext): PreparedUpstream;
  mapHttpError(ctx: RouteContext, failure: UpstreamHttpFailure): ShimError;
}

/** A model reached by its slug alone, without a settings row (the subscription passthroughs). */
export interface SlugRoute {
  model: ModelConfig;
  route: UpstreamRoute;
  /** Credential for the upstream (scrubbed from error messages); empty when there is none. */
  apiKey: string;
}

/** undefined = not this resolver's slug; a ShimError = its slug, but it cannot be served. */
export type SlugResolver = (slug: string, settings: Settings, env: NodeJS.ProcessEnv) => SlugRoute | ShimError | undefined;
