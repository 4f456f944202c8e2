import type { RequestContext } from "../../machines/request.machine.ts";
import type { InputItem } from "../../adapters/responses/responses-types.ts";
import { inputItemsOf } from "../../adapters/responses/restore-previous-response.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import type { ServerContext } from "../server-context.ts";

const ID_PREFIX: Record<string, string> = {
  message: "msg",
  function_call: "fc",
  function_call_output: "fco",
  custom_tool_call: "ctc",
  custom_tool_call_output: "ctco",
  reasoning: "rs",
  compaction: "cmp",
};

/** Every stored input item gets an `id` (the input_items list is paged by item id); items are copied only when they lack one. */
export function withItemIds(items: readonly InputItem[]): InputItem[] {
  return items.map((it) => {
    if (typeof (it as { id?: unknown }).id === "string") return it;
    const type = (it as { type?: string }).type ?? "message";
    return { ...it, type, id: newItemId(ID_PREFIX[type] ?? "item") } as InputItem;
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
    ctx.responseStore.forWrite().put({ id: response.id, createdAt: response.created_at, input: withItemIds(inputItemsOf(c.body.input)), response });
  } catch (e) {
    ctx.log(`[store] could not store ${response.id}: ${(e as Error).message}`);
  }
}
