import { H3, HTTPError, defineWebSocketHandler, type H3Event } from "h3";
import type { ServerContext } from "./server-context.ts";
import { allowedHosts, checkRequest } from "./request-guard.ts";
import { readJsonBody, maxBodyBytes } from "./read-json-body.ts";
import { BodyPrefixReuse } from "./body-prefix-reuse.ts";
import { healthBody } from "./routes/health.ts";
import { modelsBody } from "./routes/models.ts";
import { handleResponses } from "./routes/responses.ts";
import { handleCompact } from "./routes/compact.ts";
import { handleMessages } from "./routes/messages.ts";
import { responsesWebSocketHooks } from "./routes/responses-websocket.ts";
import { handleDeleteResponse, handleGetResponse, handleInputItems } from "./routes/stored-responses.ts";
import { ShimError } from "../adapters/errors/shim-error.ts";
import { registerDebugRoutes } from "./routes/debug-routes.ts";
import { markBody, markReceived } from "./debug/request-marks.ts";
import { recordAnswer, recordRejection, recordShimError } from "./debug/record-outcome.ts";
import { endpointOfPath } from "./debug/describe-client.ts";
import type { TraceEndpoint } from "./debug/request-trace.ts";
import { registerPickerRoutes } from "./picker/picker-routes.ts";

/** Expected failures (bad input, upstream errors) become their HTTP answer, not an h3 "unhandled" error. */
export function answerShimErrors(fn: (event: H3Event) => Promise<Response>): (event: H3Event) => Promise<Response> {
  return async (event) => {
    try {
      return await fn(event);
    } catch (e) {
      if (e instanceof ShimError) return e.toResponse();
      throw e;
    }
  };
}

/** The h3 app: guard first, then the routes. Errors never leak a stack trace to the client. */
export function createApp(ctx: ServerContext): H3 {
  const hosts = allowedHosts(ctx.bindHost, ctx.env);
  const bodyLimit = maxBodyBytes(ctx.env);
  // Parse only what a thread's previous request did not already have (body-prefix-reuse.ts; CODEX_SHIM_BODY_PREFIX_REUSE=0: off).
  const prefixReuse = ctx.env.CODEX_SHIM_BODY_PREFIX_REUSE === "0" ? undefined : new BodyPrefixReuse("input");
  const messagesPrefixReuse = prefixReuse && new BodyPrefixReuse("messages");
  const app = new H3({
    onError(error) {
      const cause = (error as HTTPError).cause ?? error;
      if (cause instanceof ShimError) return cause.toResponse();
      const status = (error as HTTPError).status ?? 500;
      if (status >= 500) ctx.log(`[err] ${(cause as Error)?.stack ?? String(cause)}`);
      return new ShimError({ status, code: status === 404 ? "not_found" : "internal_error", message: status === 404 ? "Not found" : status >= 500 ? "Internal error in codex-shim (see its log)." : (error as Error).message }).toResponse();
    },
  });

  app.use((event) => {
    markReceived(event.req);
    const verdict = checkRequest(event.req, hosts);
    if (!verdict.ok) {
      const id = recordRejection(ctx.traces, event.req, endpointOfPath(event.url.pathname), {
        status: verdict.status,
        code: verdict.status === 415 ? "unsupported_media_type" : "forbidden",
        message: verdict.message,
        stage: "guard",
        detail: `Host: ${event.req.headers.get("host") ?? "(none)"}${event.req.headers.get("origin") ? `, Origin: ${event.req.headers.get("origin")}` : ""}`,
      });
      return new Response(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain; charset=utf-8", "x-request-id": id } });
    }
  });

  /** A model endpoint: its answer (or refusal) is recorded for the flow inspector. */
  const modelRoute = (endpoint: TraceEndpoint, handle: (event: H3Event, body: Record<string, unknown>) => Promise<Response>) => async (event: H3Event) => {
    let res: Response;
    try {
      const body = await readJsonBody(event.req, bodyLimit, endpoint === "responses" ? prefixReuse : undefined);
      markBody(event.req, body);
      res = await handle(event, body);
    } catch (e) {
      if (!(e instanceof ShimError)) throw e;
      return e.toResponse({ "x-request-id": recordShimError(ctx.traces, event.req, endpoint, e) });
    }
    recordAnswer(ctx.traces, event.req, endpoint, res);
    return res;
  };

  app.get("/health", () => healthBody(ctx));
  app.get("/v1/models", () => modelsBody(ctx));
  app.get("/models", () => modelsBody(ctx));
  app.post("/v1/responses", modelRoute("responses", (event, body) => handleResponses(ctx, event.req, body)));
  // WebSocket mode (GET + Upgrade); a plain GET is answered 426 Upgrade Required.
  const responsesSocket = defineWebSocketHandler(responsesWebSocketHooks(ctx));
  app.get("/v1/responses", responsesSocket);
  app.get("/responses", responsesSocket);
  app.post("/v1/responses/compact", modelRoute("compact", (event, body) => handleCompact(ctx, event.req, body)));
  // Stored responses (store: true): read, list input items, delete.
  app.get("/v1/responses/:id", answerShimErrors(async (event) => handleGetResponse(ctx, event.context.params!.id)));
  app.get("/v1/responses/:id/input_items", answerShimErrors(async (event) => handleInputItems(ctx, event.context.params!.id, event.url.searchParams)));
  app.delete("/v1/responses/:id", answerShimErrors(async (event) => handleDeleteResponse(ctx, event.context.params!.id)));
  // Anthropic Messages for Anthropic clients; errors come back in Anthropic's shape.
  app.post("/v1/messages", async (event) => {
    const res = await handleMessages(ctx, event.req, bodyLimit, messagesPrefixReuse);
    recordAnswer(ctx.traces, event.req, "messages", res);
    return res;
  });
  registerPickerRoutes(app, ctx);
  registerDebugRoutes(app, ctx);
  return app;
}
