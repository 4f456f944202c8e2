import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { Settings } from "../settings/settings-types.ts";
import type { RouteDecision } from "./route-decision.ts";

/** What the request machine's `classifying` state hands the router. */
export interface ClassifyInput {
  requestId: string;
  body: ResponsesRequest;
  settings: Settings;
  headers?: { get(name: string): string | null };
  signal?: AbortSignal;
}

/** The concrete slug to serve, and the decision when the router made one. */
export interface ClassifyResult {
  slug: string;
  decision?: RouteDecision;
}
