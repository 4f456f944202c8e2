import type { InputItem, ResponsesRequest } from "../responses/responses-types.ts";
import type { RouteContext } from "../routes/upstream-route.ts";

/**
 * What every incremental turn (continue-chat-messages.ts, continue-anthropic-messages.ts) checks
 * about a Responses history: the converter (conversation-builder.ts) walks items left to right and
 * carries state only inside an assistant turn, so a cached rendering can be extended exactly when
 * its input ended outside one and the new part opens the next.
 */

/** The instructions a rendering depends on (blank counts as none). */
export function instructionsOf(req: Pick<ResponsesRequest, "instructions">): string | undefined {
  return typeof req.instructions === "string" && req.instructions.trim() ? req.instructions : undefined;
}

/** Items that always start an assistant turn after a client-side item (conversation-builder.ts: a step). */
const ASSISTANT_ITEMS = new Set(["reasoning", "function_call", "custom_tool_call", "local_shell_call", "tool_search_call", "web_search_call", "image_generation_call"]);

/** Whether the converter starts an assistant turn at `item` (assistant text only when it has some). */
export function opensAssistantTurn(item: InputItem | undefined): boolean {
  if (typeof item !== "object" || item === null) return false;
  const it = item as { type?: unknown; role?: unknown; content?: unknown };
  if (it.type !== undefined && it.type !== "message") return ASSISTANT_ITEMS.has(it.type as string);
  if (it.role !== "assistant") return false;
  if (typeof it.content === "string") return it.content !== "";
  return Array.isArray(it.content) && it.content.some((p: { text?: unknown; refusal?: unknown }) => (typeof p?.text === "string" && p.text !== "") || (typeof p?.refusal === "string" && p.refusal !== ""));
}

/** Whether the converter is outside an assistant turn after the last of `input` (a client-side item ends it). */
export function endsOutsideAssistantTurn(input: readonly InputItem[]): boolean {
  const last = input[input.length - 1] as { type?: string; role?: string } | undefined;
  if (!last) return false;
  const type = last.type ?? "message";
  if (type === "message") return last.role !== "assistant";
  return type === "function_call_output" || type === "custom_tool_call_output";
}

export interface CachedRendering<M, B> {
  /** The previous request's upstream messages. */
  cached: readonly M[];
  /** How a route recorded it built them. */
  how: B;
  /** The items after the previous request's input: its output, then the new items. */
  suffix: InputItem[];
  previousInput: readonly InputItem[];
}

/** The continuation's cached upstream messages, when `builtFrom` (a route's record) knows them, with the items to render after them. */
export function cachedRendering<M, B>(continuation: RouteContext["continuation"], builtFrom: WeakMap<readonly unknown[], B>): CachedRendering<M, B> | null {
  if (!continuation) return null;
  const { previous, newItems } = continuation;
  const cached = previous.upstreamMessages as readonly M[] | undefined;
  const how = cached?.length ? builtFrom.get(cached) : undefined;
  if (!cached || !how) return null;
  return { cached, how, suffix: [...(previous.output as readonly unknown[] as InputItem[]), ...newItems], previousInput: previous.input };
}
