import { H3, HTTPError, defineWebSocketHandler, type H3Event } from "h3";
import type { ServerContext } from "./server-context.ts";
import { allowedHosts, checkRequest } from "./request-guard.ts";
import { readJsonBody, maxBodyBytes } from "./read-json-body.ts";
import { healthBody } from "./routes/health.ts";
import { modelsBody } from "./routes/models.ts";
import { handleResponses } from "./routes/responses.ts";
import { handleCompact } from "./routes/compact.ts";
import { handleMessages } from "./routes/messages.ts";
import { responsesWebSocketHooks } from "./routes/responses-websocket.ts";
import { handleDeleteResponse, handleGetResponse, handleInputItems } from "./routes/stored-responses.ts";
import { ShimError } from "../adapters/errors/shim-error.ts";
import { toDirectedGraph } from "@xstate/graph";
import { debugPageHtml } from "./routes/debug-page.ts";
import { requestMachine } from "../machines/request.machine.ts";
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
    const verdict = checkRequest(event.req, hosts);
    if (!verdict.ok) return new Response(verdict.message, { status: verdict.status, headers: { "content-type": "text/plain; charset=utf-8" } });
  });

  app.get("/health", () => healthBody(ctx));
  app.get("/v1/models", () => modelsBody(ctx));
  app.get("/models", () => modelsBody(ctx));
  app.post(
    "/v1/responses",
    answerShimErrors(async (event) => handleResponses(ctx, event.req, await readJsonBody(event.req, bodyLimit))),
  );
  // WebSocket mode (GET + Upgrade); a plain GET is answered 426 Upgrade Required.
  const responsesSocket = defineWebSocketHandler(responsesWebSocketHooks(ctx));
  app.get("/v1/responses", responsesSocket);
  app.get("/responses", responsesSocket);
  app.post(
    "/v1/responses/compact",
    answerShimErrors(async (event) => handleCompact(ctx, event.req, await readJsonBody(event.req, bodyLimit))),
  );
  // Stored responses (store: true): read, list input items, delete.
  app.get("/v1/responses/:id", answerShimErrors(async (event) => handleGetResponse(ctx, event.context.params!.id)));
  app.get("/v1/responses/:id/input_items", answerShimErrors(async (event) => handleInputItems(ctx, event.context.params!.id, event.url.searchParams)));
  app.delete("/v1/responses/:id", answerShimErrors(async (event) => handleDeleteResponse(ctx, event.context.params!.id)));
  // Anthropic Messages for Anthropic clients; errors come back in Anthropic's shape.
  app.post("/v1/messages", (event) => handleMessages(ctx, event.req, bodyLimit));
  registerPickerRoutes(app, ctx);
  app.get("/debug", () => new Response(debugPageHtml(ctx.version), { headers: { "content-type": "text/html; charset=utf-8" } }));
  app.get("/debug/requests", () => ctx.traces.list());
  app.get("/debug/machine", () => {
    const g = toDirectedGraph(requestMachine);
    const edges: { from: string; to: string; on: string }[] = [];
    const walk = (n: typeof g) => {
      for (const e of n.edges) edges.push({ from: e.source.id, to: e.target.id, on: e.label.text });
      n.children.forEach(walk);
    };
    walk(g);
    // eventless (`always`) transitions are not in the directed graph; add them for the picture
    for (const [key, node] of Object.entries(requestMachine.root.states)) {
      for (const t of node.always ?? []) for (const target of t.target ?? []) edges.push({ from: node.id, to: target.id, on: "always" });
      void key;
    }
    return { id: g.id, edges };
  });
  return app;
}
