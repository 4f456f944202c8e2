import { mapUpstreamHttpError } from "../errors/map-upstream-http-error.ts";
import { upstreamHeaders } from "../transport/upstream-headers.ts";
import { joinUpstreamUrl } from "../transport/join-upstream-url.ts";
import type { RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import { convertResponsesRequestToChat } from "./convert-responses-request-to-chat.ts";
import { ChatStreamTranslator } from "./translate-chat-stream-to-responses.ts";
import { encodeChatReasoning } from "./chat-reasoning-carrier.ts";
import { serializeChatBody } from "./serialize-chat-body.ts";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";

/** Upstream headers: extra_headers first, then Authorization unless extra_headers set it. */
export function chatHeaders(ctx: RouteContext): Record<string, string> {
  return upstreamHeaders({ accept: "text/event-stream", extraHeaders: ctx.model.extraHeaders, bearer: ctx.apiKey });
}

/** Providers `openai`, `generic-chat-completion-api` and `ollama`: `{base}/chat/completions`. */
export const chatRoute: UpstreamRoute = {
  kind: "chat",
  paramWire: "chat",
  prepare(ctx) {
    const { body, tools, remoteCompaction } = convertResponsesRequestToChat(ctx.request, ctx.model, ctx.notes, ctx.continuation);
    const model = ctx.model.model;
    return {
      request: { url: joinUpstreamUrl(ctx.model.baseUrl, "/chat/completions"), headers: chatHeaders(ctx), body: serializeChatBody(body), timeouts: ctx.model.timeouts },
      upstreamMessages: body.messages,
      createOutput({ responseId, model: slug, echo }) {
        // Chat reasoning has no signed blocks: the text itself rides in encrypted_content, tagged with the model.
        const writer = new ResponsesEventWriter({ responseId, model: slug, echo, encodeReasoning: (text) => (text ? encodeChatReasoning(model, text) : null) });
        return { writer, translator: new ChatStreamTranslator(writer, tools, remoteCompaction ? { compactionFor: ctx.requestedSlug, model } : { model }) };
      },
    };
  },
  mapHttpError(_ctx, failure) {
    return mapUpstreamHttpError(failure);
  },
};
