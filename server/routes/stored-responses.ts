import { ShimError } from "../../adapters/errors/shim-error.ts";
import type { StoredResponse } from "../../adapters/responses/response-store.ts";
import type { ServerContext } from "../server-context.ts";

function notFound(id: string): ShimError {
  return new ShimError({
    status: 404,
    code: "response_not_found",
    param: "response_id",
    message: `No stored response with id '${id}'. Only responses created with "store": true (or store unset) are kept, bounded by the response_store settings (size, age).`,
  });
}

function load(ctx: ServerContext, id: string): StoredResponse {
  const row = ctx.responseStore.forRead()?.get(id);
  if (!row) throw notFound(id);
  return row;
}

/** GET /v1/responses/{id}: the stored `ResponseResource`. */
export function handleGetResponse(ctx: ServerContext, id: string): Response {
  return Response.json(load(ctx, id).response);
}

/** DELETE /v1/responses/{id}: gone from the store and from the conversation cache (no continuation afterwards). */
export function handleDeleteResponse(ctx: ServerContext, id: string): Response {
  const stored = ctx.responseStore.forRead()?.delete(id) ?? false;
  if (!stored) throw notFound(id);
  ctx.conversations.evict(id);
  return Response.json({ id, object: "response.deleted", deleted: true });
}

function badParam(param: string, message: string): ShimError {
  return new ShimError({ status: 400, code: "invalid_value", param, message });
}

export interface InputItemsQuery {
  limit: number;
  order: "asc" | "desc";
  after?: string;
}

/** The list parameters of GET /v1/responses/{id}/input_items (OpenAI API): limit 1–100 (20), order asc|desc (desc), after. */
export function parseInputItemsQuery(q: URLSearchParams): InputItemsQuery {
  const rawLimit = q.get("limit");
  let limit = 20;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > 100) throw badParam("limit", `limit must be an integer between 1 and 100, got ${JSON.stringify(rawLimit)}.`);
  }
  const order = q.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw badParam("order", `order must be "asc" or "desc", got ${JSON.stringify(order)}.`);
  const after = q.get("after") ?? undefined;
  return { limit, order, after: after || undefined };
}

/** GET /v1/responses/{id}/input_items: the list shape (`object: "list"`, data, first_id, last_id, has_more). */
export function handleInputItems(ctx: ServerContext, id: string, query: URLSearchParams): Response {
  const q = parseInputItemsQuery(query);
  const items = load(ctx, id).input as { id: string }[];
  const ordered = q.order === "asc" ? items : [...items].reverse();
  let start = 0;
  if (q.after) {
    const at = ordered.findIndex((it) => it.id === q.after);
    if (at < 0) throw badParam("after", `after names no input item of response '${id}': ${JSON.stringify(q.after)}.`);
    start = at + 1;
  }
  const data = ordered.slice(start, start + q.limit);
  return Response.json({
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + q.limit < ordered.length,
  });
}
