import { upstreamHeaders } from "../transport/upstream-headers.ts";
import { joinUpstreamUrl } from "../transport/join-upstream-url.ts";
import type { RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import { convertResponsesRequestToAnthropic } from "./convert-responses-request-to-anthropic.ts";
import { AnthropicStreamTranslator } from "./translate-anthropic-stream-to-responses.ts";
import { mapAnthropicHttpError } from "./map-anthropic-http-error.ts";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { encodeJsonBody } from "../transport/encode-json-body.ts";

export const ANTHROPIC_VERSION = "2023-06-01";

/**
 * Upstream headers: `x-api-key` and `anthropic-version`, then extra_headers (which may override
 * either, or add `authorization` / `anthropic-beta` for compatible servers that want them).
 * No `Authorization` header is sent unless extra_headers sets one.
 */
export function anthropicHeaders(ctx: RouteContext): Record<string, string> {
  const base: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
  if (ctx.apiKey) base["x-api-key"] = ctx.apiKey;
  return upstreamHeaders({ accept: "text/event-stream", extraHeaders: ctx.model.extraHeaders, base });
}

/** Provider `anthropic`: Claude and Anthropic-compatible servers at `{base}/messages`. */
export const anthropicRoute: UpstreamRoute = {
  kind: "anthropic",
  paramWire: "anthropic",
  prepare(ctx) {
    const { body, tools, remoteCompaction } = convertResponsesRequestToAnthropic(ctx.request, ctx.model, ctx.notes, ctx.continuation);
    const url = joinUpstreamUrl(ctx.model.baseUrl, "/messages");
    const where = `model ${ctx.model.slug} at ${url}`;
    return {
      request: { url, headers: anthropicHeaders(ctx), body: encodeJsonBody(body as unknown as Record<string, unknown>, "messages"), timeouts: ctx.model.timeouts },
      upstreamMessages: body.messages,
      createOutput({ responseId, model, echo }) {
        const writer = new ResponsesEventWriter({ responseId, model, echo });
        const translator = new AnthropicStreamTranslator(writer, tools, { model: ctx.model.model, where, notes: ctx.notes, compactionFor: remoteCompaction ? ctx.requestedSlug : undefined });
        return { writer, translator };
      },
    };
  },
  mapHttpError(_ctx, failure) {
    return mapAnthropicHttpError(failure);
  },
};
