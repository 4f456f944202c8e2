import type { ModelConfig, Settings } from "../settings/settings-types.ts";
import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { RouteContext, UpstreamRoute } from "./upstream-route.ts";
import { ShimError } from "../errors/shim-error.ts";
import { findModel } from "../settings/settings-store.ts";
import { keyStatus } from "../settings/resolve-api-key.ts";
import { routeFor, SLUG_PASSTHROUGHS, type Endpoint } from "./route-table.ts";

/** The upstream one request goes to: its model row, its route and the route's context. */
export interface Selection {
  model: ModelConfig;
  route: UpstreamRoute;
  ctx: RouteContext;
}

export interface SelectInput {
  endpoint: Endpoint;
  slug: string;
  request: ResponsesRequest;
  settings: Settings;
  env: NodeJS.ProcessEnv;
  forwardHeaders: Readonly<Record<string, string>>;
  /** The request continues a cached response (RouteContext.continuation). */
  continuation?: RouteContext["continuation"];
}

/**
 * Picks the route for a slug by the route table (adapters/routes/route-table.ts): the slug
 * passthroughs of the endpoint first, then the settings row. A ShimError when none serves it:
 * unknown slug 404, missing key 401, no route for the provider on this endpoint 502.
 */
export function selectRoute(o: SelectInput): Selection | ShimError {
  const context = (model: ModelConfig, apiKey: string): RouteContext => ({ request: o.request, model, apiKey, requestedSlug: o.slug, notes: [], forwardHeaders: o.forwardHeaders, continuation: o.continuation });
  for (const p of SLUG_PASSTHROUGHS) {
    if (!p.endpoints.includes(o.endpoint)) continue;
    const hit = p.resolve(o.slug, o.settings, o.env);
    if (hit instanceof ShimError) return hit;
    if (hit) return { model: hit.model, route: hit.route, ctx: context(hit.model, hit.apiKey) };
  }
  const model = findModel(o.settings, o.slug);
  if (!model) {
    const known = o.settings.models.map((m) => m.slug);
    return new ShimError({
      status: 404,
      code: "model_not_found",
      message: `Unknown model slug/model: ${o.slug || "(none)"}.${known.length ? ` Configured models: ${known.join(", ")}.` : ` No models are configured: add one to ${o.settings.file ?? o.settings.missingFile ?? "~/.codex-shim/models.json"} (see README).`}`,
    });
  }
  const key = keyStatus(model, o.env);
  if (!key.usable) return new ShimError({ status: 401, code: "missing_api_key", type: "authentication_error", message: key.reason ?? "missing API key" });
  const route = routeFor(o.endpoint, model.provider);
  if (!route) return new ShimError({ status: 502, code: "unsupported_provider", message: `Unsupported model provider: ${model.provider}` });
  return { model, route, ctx: context(model, key.key) };
}
