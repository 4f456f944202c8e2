import { mapUpstreamHttpError } from "../errors/map-upstream-http-error.ts";
import { upstreamHeaders } from "../transport/upstream-headers.ts";
import { joinUpstreamUrl } from "../transport/join-upstream-url.ts";
import type { RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import { ResponsesEventWriter } from "../responses/responses-event-writer.ts";
import { createRelayTranslator, ResponsesRelayWriter } from "../responses/responses-relay-writer.ts";
import { buildNativeResponsesBody } from "./build-native-responses-body.ts";
import { nativeResponsesPolicy } from "./native-responses-policy.ts";
import { nativeToolCallMapper } from "./map-native-tool-calls.ts";
import { NativeCompactionTranslator } from "./translate-native-compaction-stream.ts";
import { encodeJsonBody } from "../transport/encode-json-body.ts";

const responsesHeaders = (ctx: RouteContext, streaming: boolean) =>
  upstreamHeaders({ accept: streaming ? "text/event-stream" : "application/json", extraHeaders: ctx.model.extraHeaders, bearer: ctx.apiKey });

/**
 * Provider `openai-responses` (alias `responses`): upstreams that serve the Responses API
 * themselves (the OpenAI API, OpenRouter, Ollama, vLLM, LM Studio). Codex's request goes to
 * `{base}/responses` sanitized (build-native-responses-body.ts), and the stream is relayed with
 * one pass per chunk: only the model name, reshaped tool calls, usage totals and keep-alives
 * change. A remote-compaction request is answered by the shim's own writer (one compaction item).
 */
export const openaiResponsesRoute: UpstreamRoute = {
  kind: "responses",
  paramWire: "responses",
  prepare(ctx) {
    const raw = ctx.request as unknown as Record<string, unknown>;
    const streaming = raw.stream === true;
    const { body, tools, compaction } = buildNativeResponsesBody(raw, ctx.model, nativeResponsesPolicy(ctx.model), ctx.notes);
    if (compaction) body.stream = true;
    return {
      request: { url: joinUpstreamUrl(ctx.model.baseUrl, "/responses"), headers: responsesHeaders(ctx, streaming || compaction), body: encodeJsonBody(body, "input"), timeouts: ctx.model.timeouts },
      createOutput({ responseId, model: slug, echo }) {
        if (compaction) {
          const writer = new ResponsesEventWriter({ responseId, model: slug, echo });
          return { writer, translator: new NativeCompactionTranslator(writer, ctx.requestedSlug) };
        }
        const writer = new ResponsesRelayWriter({
          responseId,
          modelOverride: slug !== ctx.model.model ? slug : null,
          upstreamName: "Responses upstream",
          keepAlive: true,
          normalizeUsage: true,
          items: tools ? nativeToolCallMapper(tools) : undefined,
          echo,
        });
        return { writer, translator: createRelayTranslator(writer) };
      },
    };
  },
  mapHttpError(_ctx, failure) {
    return mapUpstreamHttpError(failure);
  },
};
