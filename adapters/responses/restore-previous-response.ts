import type { InputItem, ResponsesRequest } from "./responses-types.ts";
import { ShimError } from "../errors/shim-error.ts";
import type { PreviousResponse } from "./response-store.ts";

/** A request's `input` as items (a bare string is one user message). */
export function inputItemsOf(input: ResponsesRequest["input"]): InputItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return input;
}

/**
 * `previous_response_id` for stateless upstreams (the cache is the conversation cache, or the
 * two-tier ResponseLookup: memory, then the SQLite store): the cached response's whole input, then its
 * output items (what Codex would have replayed), then the new input, in one request without
 * `previous_response_id`. A request without it is returned as it is. An id the cache does not
 * hold (never seen, failed, aborted or evicted) is HTTP 400 `previous_response_not_found`, as
 * OpenAI answers it.
 */
export function restorePreviousResponse(cache: { get(id: string): PreviousResponse | undefined }, body: ResponsesRequest): ResponsesRequest {
  const id = body.previous_response_id;
  if (id === undefined || id === null) return body;
  if (typeof id !== "string" || !id)
    throw new ShimError({ status: 400, code: "invalid_type", param: "previous_response_id", message: "previous_response_id must be a non-empty string." });
  const prev = cache.get(id);
  if (!prev)
    throw new ShimError({
      status: 400,
      code: "previous_response_not_found",
      param: "previous_response_id",
      message: `Previous response with id '${id}' not found. codex-shim keeps recent responses in memory (lost on restart, least recently used evicted first) and "store: true" responses on disk (bounded by size and age); send the whole input instead.`,
    });
  const { previous_response_id: _dropped, ...rest } = body;
  // Output items are valid input items as they are: that is how Codex replays them.
  const output = prev.output as readonly unknown[] as readonly InputItem[];
  return { ...rest, input: [...prev.input, ...output, ...inputItemsOf(body.input)] };
}
