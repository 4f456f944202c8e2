import { ShimError } from "../errors/shim-error.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";

function bad(message: string): ShimError {
  return new ShimError({ status: 400, code: "invalid_request", message });
}

/** The parts of a Messages request the endpoint relies on; anything else passes to the upstream. */
export function validateMessagesRequest(body: Record<string, unknown>): MessagesRequest {
  if (typeof body.model !== "string" || !body.model.trim()) throw bad(`model: must be a non-empty string`);
  if (!Array.isArray(body.messages)) throw bad(`messages: must be an array`);
  body.messages.forEach((m, i) => {
    const o = m as { role?: unknown; content?: unknown } | null;
    if (!o || typeof o !== "object") throw bad(`messages.${i}: must be an object`);
    if (o.role !== "user" && o.role !== "assistant") throw bad(`messages.${i}.role: must be "user" or "assistant"`);
    if (typeof o.content !== "string" && !Array.isArray(o.content)) throw bad(`messages.${i}.content: must be a string or an array of content blocks`);
    if (Array.isArray(o.content))
      o.content.forEach((b, j) => {
        if (!b || typeof b !== "object" || typeof (b as { type?: unknown }).type !== "string") throw bad(`messages.${i}.content.${j}: must be a content block with a "type"`);
      });
  });
  if (body.max_tokens !== undefined && (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1)) throw bad(`max_tokens: must be a positive integer`);
  if (body.tools !== undefined && !Array.isArray(body.tools)) throw bad(`tools: must be an array`);
  if (body.stream !== undefined && typeof body.stream !== "boolean") throw bad(`stream: must be true or false`);
  return body as unknown as MessagesRequest;
}
