import type { PreparedUpstream, RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import type { UpstreamHttpFailure } from "../errors/map-upstream-http-error.ts";
import { parseRetryAfter, upstreamErrorMessage } from "../errors/map-upstream-http-error.ts";
import { redactSecrets } from "../errors/redact-secrets.ts";
import { joinUpstreamUrl } from "../transport/join-upstream-url.ts";
import { chatHeaders } from "../chat/chat-route.ts";
import { anthropicHeaders } from "../anthropic/anthropic-route.ts";
import { AnthropicSseWriter } from "./anthropic-sse-writer.ts";
import { AnthropicRelayWriter, createAnthropicRelayTranslator } from "./anthropic-relay-writer.ts";
import { ChatStreamTranslator } from "../chat/translate-chat-stream-to-responses.ts";
import { convertMessagesToChat } from "./convert-messages-to-chat.ts";
import { AnthropicShapedError, anthropicErrorBody, anthropicErrorType } from "./anthropic-error.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";
import { encodeJsonBody } from "../transport/encode-json-body.ts";

/** What the Messages handler needs from the writer beyond the OutputWriter surface. */
export interface MessagesWriter {
  messageObject(): unknown;
}

export function isMessagesWriter(w: object): w is MessagesWriter {
  return typeof (w as Partial<MessagesWriter>).messageObject === "function";
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

/** `anthropic` models: the client's Messages request with the configured model, to `{base}/messages`, answered verbatim. */
export const messagesAnthropicRoute: UpstreamRoute = {
  kind: "messages-anthropic",
  prepare(ctx: RouteContext): PreparedUpstream {
    const req = ctx.request as unknown as MessagesRequest;
    const headers = anthropicHeaders(ctx);
    const beta = ctx.forwardHeaders?.["anthropic-beta"];
    if (beta && !headers["anthropic-beta"]) headers["anthropic-beta"] = beta;
    return {
      request: { url: joinUpstreamUrl(ctx.model.baseUrl, "/messages"), headers, body: encodeJsonBody({ ...req, model: ctx.model.model }, "messages"), timeouts: ctx.model.timeouts },
      upstreamMessages: req.messages,
      createOutput() {
        const writer = new AnthropicRelayWriter({ slug: ctx.requestedSlug });
        return { writer, translator: createAnthropicRelayTranslator(writer) };
      },
    };
  },
  mapHttpError: (_ctx, f) => messagesHttpError(f, true),
};

/** The chat request's tools are the client's own functions: names come back as they went. */
const plainFunctionNames = { resolve: (name: string) => ({ kind: "function" as const, name }) };

/**
 * Chat-completions models: Messages → chat request, and the chat stream decoded by the one chat
 * decoder (ChatStreamTranslator: id-keyed calls, object arguments, repair, error classification)
 * into the Anthropic SSE writer.
 */
export const messagesChatRoute: UpstreamRoute = {
  kind: "messages-chat",
  paramWire: "chat",
  prepare(ctx: RouteContext): PreparedUpstream {
    const body = convertMessagesToChat(ctx.request as unknown as MessagesRequest, ctx.model, ctx.notes);
    return {
      request: { url: joinUpstreamUrl(ctx.model.baseUrl, "/chat/completions"), headers: chatHeaders(ctx), body: encodeJsonBody(body as unknown as Record<string, unknown>, "messages"), timeouts: ctx.model.timeouts },
      upstreamMessages: body.messages,
      createOutput({ responseId }) {
        const writer = new AnthropicSseWriter({ messageId: responseId.replace(/^resp_/, "msg_"), model: ctx.requestedSlug });
        return { writer, translator: new ChatStreamTranslator(writer, plainFunctionNames, { model: ctx.model.model }) };
      },
    };
  },
  mapHttpError: (_ctx, f) => messagesHttpError(f, false),
};
