import type { RequestContext } from "../../machines/request.machine.ts";
import type { InputItem } from "../../adapters/responses/responses-types.ts";
import { inputItemsOf } from "../../adapters/responses/restore-previous-response.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import type { ServerContext } from "../server-context.ts";
import { responseStoreEnabled } from "../../adapters/responses/lazy-response-store.ts";

/**
 * Whether this response is written to the SQLite store: `store` true or unset (the API's default),
 * and the store turned on. When it is off, the body says `store: false`, so the response object
 * reports what really happened. Shared by HTTP and WebSocket turns.
 */
export function decideStore(ctx: ServerContext, body: { store?: unknown }, wanted = true): boolean {
  const store = wanted && body.store !== false;
  if (store && !responseStoreEnabled(ctx.store.current)) {
    body.store = false;
    return false;
  }
  return store;
}

const ID_PREFIX: Record<string, string> = {
  message: "msg",
  function_call: "fc",
  function_call_output: "fco",
  custom_tool_call: "ctc",
  custom_tool_call_output: "ctco",
  reasoning: "rs",
  compaction: "cmp",
};

/**
 * Stored input items in the API's item-resource shape (what input_items lists): every item has an
 * `id` (the list is paged by item id) and a `status`, message content is an array of parts.
 * Items already in that shape are kept as they are (not copied).
 */
export function normalizeStoredItems(items: readonly InputItem[]): InputItem[] {
  return items.map((it) => {
    const o = it as Record<string, unknown>;
    const type = typeof o.type === "string" ? o.type : "message";
    const needsContent = type === "message" && typeof o.content === "string";
    const needsStatus = (type === "message" || /_call(_output)?$/.test(type)) && typeof o.status !== "string";
    if (typeof o.id === "string" && !needsContent && !needsStatus && o.type !== undefined) return it;
    const out: Record<string, unknown> = { ...o, type, id: typeof o.id === "string" ? o.id : newItemId(ID_PREFIX[type] ?? "item") };
    if (needsContent) out.content = [{ type: o.role === "assistant" ? "output_text" : "input_text", text: o.content, ...(o.role === "assistant" ? { annotations: [] } : {}) }];
    if (needsStatus) out.status = "completed";
    return out as InputItem;
  });
}

/**
 * Writes a finished `store: true` response to the SQLite store: completed and incomplete answers
 * only (a failed or aborted one cannot be continued). `input` is the whole conversation the
 * upstream saw. A store that cannot be written is logged, never fails the answer.
 */
export function storeFinishedResponse(ctx: ServerContext, c: RequestContext, state: string): void {
  if (state !== "done" || !c.writer) return;
  const response = c.writer.responseObject();
  if (response.status !== "completed" && response.status !== "incomplete") return;
  try {
    ctx.responseStore.forWrite().put({ id: response.id, createdAt: response.created_at, input: normalizeStoredItems(inputItemsOf(c.input.body.input)), response });
  } catch (e) {
    ctx.log(`[store] could not store ${response.id}: ${(e as Error).message}`);
  }
}
