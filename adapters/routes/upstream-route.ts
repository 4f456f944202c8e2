import type { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import type { InputItem, ResponsesRequest } from "../responses/responses-types.ts";
import type { CachedConversation } from "../responses/conversation-cache.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import type { UpstreamRequest } from "../transport/upstream-transport.ts";
import type { ShimError } from "../errors/shim-error.ts";
import type { UpstreamHttpFailure } from "../errors/map-upstream-http-error.ts";

/** Notes a route leaves for the request's summary log line (never prompt text or keys). */
export interface RequestNotes {
  notes: string[];
}

export interface RouteContext {
  request: ResponsesRequest;
  model: ModelConfig;
  /** Resolved at request time; empty for keyless local servers. Never logged. */
  apiKey: string;
  /** The slug Codex asked for (echoed back as the response model). */
  requestedSlug: string;
  notes: string[];
  /**
   * Set when `request.input` is a cached response's conversation plus `newItems` (a WebSocket
   * continuation): a route may append the translation of the items after `previous.input` to
   * `previous.upstreamMessages` instead of translating the whole history again.
   */
  continuation?: { previous: CachedConversation; newItems: readonly InputItem[] };
}

/**
 * Consumes one upstream response. The pump calls `onEvent` once per SSE event (or
 * `onJsonBody` when the upstream answered with plain JSON), then `onEnd` at EOF. The translator
 * writes Responses events to the writer and must leave it finished (completed, incomplete or
 * failed) after `onEnd`.
 */
export interface StreamTranslator {
  onEvent(data: string, event: string | undefined): void;
  onJsonBody(body: unknown): void;
  onEnd(): void;
}

/** One upstream call, prepared: what to send and how to read the answer. */
export interface PreparedUpstream {
  request: UpstreamRequest;
  createTranslator(writer: ResponsesEventWriter): StreamTranslator;
  /** Opaque state for reasoning items that carry no signed blocks (chat routes), or undefined. */
  encodeReasoning?: (text: string) => string | null;
  /** The translated upstream messages (kept by reference in the conversation cache), when the route built any. */
  upstreamMessages?: readonly unknown[];
}

export interface UpstreamRoute {
  readonly kind: string;
  prepare(ctx: RouteContext): PreparedUpstream;
  mapHttpError(ctx: RouteContext, failure: UpstreamHttpFailure): ShimError;
}
