import type { PreparedExtras } from "../../machines/request.machine.ts";
import type { PreparedUpstream, RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import type { UpstreamHttpFailure } from "../errors/map-upstream-http-error.ts";
import { parseRetryAfter, upstreamErrorMessage } from "../errors/map-upstream-http-error.ts";
import { redactSecrets } from "../errors/redact-secrets.ts";
import { joinUpstreamUrl } from "../transport/join-upstream-url.ts";
import { chatHeaders } from "../chat/chat-route.ts";
import { anthropicHeaders } from "../anthropic/anthropic-route.ts";
import { AnthropicSseWriter } from "./anthropic-sse-writer.ts";
import { AnthropicRelayWriter, createAnthropicRelayTranslator } from "./anthropic-relay-writer.ts";
import { ChatToMessagesTranslator } from "./translate-chat-stream-to-messages.ts";
import { convertMessagesToChat } from "./convert-messages-to-chat.ts";
import { AnthropicShapedError, anthropicErrorBody, anthropicErrorType } from "./anthropic-error.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";

/** What the Messages handler needs from the writer beyond the OutputWriter surface. */
export interface MessagesWriter {
  messageObject(): unknown;
}

/** Upstream HTTP error → Anthropic error JSON with the upstream's status (Anthropic clients retry 429/5xx themselves). */
function messagesHttpError(f: UpstreamHttpFailure, verbatim: boolean): AnthropicShapedError {
  const requestId = f.headers.get("request-id") ?? f.headers.get("x-request-id") ?? undefined;
  const retryAfter = parseRetryAfter(f.headers);
  const headers: Record<string, string> = retryAfter !== undefined ? { "retry-after": String(Math.ceil(retryAfter)) } : {};
  const message = redactSecrets(upstreamErrorMessage(f.bodyText), f.secrets);
  let bodyText: string;
  if (verbatim && /^\s*\{/.test(f.bodyText)) bodyText = redactSecrets(f.bodyText, f.secrets);
  else {
    let type = anthropicErrorType(f.status);
    try {
      const t = (JSON.parse(f.bodyText) as { error?: { type?: unknown } }).error?.type;
      if (typeof t === "string" && /_error$/.test(t)) type = t;
    } catch {}
    bodyText = JSON.stringify(anthropicErrorBody(type, `Upstream model ${f.modelSlug} answered HTTP ${f.status}: ${message}`, requestId));
  }
  return new AnthropicShapedError({ status: f.status, bodyText, message, code: `upstream_http_${f.status}`, headers });
}

/** `anthropic` models: the client's Messages request with the configured model, to `{base}/messages`. */
export function messagesAnthropicRoute(opts: { anthropicBeta?: string | null }): UpstreamRoute {
  return {
    kind: "messages-anthropic",
    prepare(ctx: RouteContext): PreparedUpstream & PreparedExtras {
      const req = ctx.request as unknown as MessagesRequest;
      const headers = anthropicHeaders(ctx);
      if (opts.anthropicBeta && !headers["anthropic-beta"]) headers["anthropic-beta"] = opts.anthropicBeta;
      let writer: AnthropicRelayWriter | null = null;
      return {
        request: { url: joinUpstreamUrl(ctx.model.baseUrl, "/messages"), headers, body: JSON.stringify({ ...req, model: ctx.model.model }), timeouts: ctx.model.timeouts },
        createWriter: () => (writer = new AnthropicRelayWriter({ slug: ctx.requestedSlug })),
        createTranslator: () => createAnthropicRelayTranslator(writer!),
      };
    },
    mapHttpError: (_ctx, f) => messagesHttpError(f, true),
  };
}

/** Chat-completions models: Messages ⇄ chat translated both ways. */
export const messagesChatRoute: UpstreamRoute = {
  kind: "messages-chat",
  prepare(ctx: RouteContext): PreparedUpstream & PreparedExtras {
    const body = convertMessagesToChat(ctx.request as unknown as MessagesRequest, ctx.model, ctx.notes);
    let writer: AnthropicSseWriter | null = null;
    return {
      request: { url: joinUpstreamUrl(ctx.model.baseUrl, "/chat/completions"), headers: chatHeaders(ctx), body: JSON.stringify(body), timeouts: ctx.model.timeouts },
      createWriter: ({ responseId }) => (writer = new AnthropicSseWriter({ messageId: responseId.replace(/^resp_/, "msg_"), model: ctx.requestedSlug })),
      createTranslator: () => new ChatToMessagesTranslator(writer!),
    };
  },
  mapHttpError: (_ctx, f) => messagesHttpError(f, false),
};

/** The `/v1/messages` route table (the request machine's `routeFor`). */
export function messagesRouteFor(opts: { anthropicBeta?: string | null }): (m: ModelConfig) => UpstreamRoute | undefined {
  const anthropic = messagesAnthropicRoute(opts);
  return (m) => (m.provider === "anthropic" ? anthropic : m.provider === "openai" || m.provider === "generic-chat-completion-api" ? messagesChatRoute : undefined);
}
