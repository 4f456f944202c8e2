import { ShimError } from "../errors/shim-error.ts";
import type { MessagesRequest } from "../anthropic/anthropic-types.ts";

function bad(message: string): ShimError {
  return new ShimError({ status: 400, code: "invalid_request", message });
}

function str(o: Record<string, unknown>, field: string, where: string): void {
  if (typeof o[field] !== "string") throw bad(`${where}.${field}: must be a string`);
}

/** A content block: an object with a `type`; the kinds the chat path reads, with the fields it reads. */
function checkBlock(b: unknown, where: string): void {
  const o = b as Record<string, unknown> | null;
  if (!o || typeof o !== "object" || Array.isArray(o) || typeof o.type !== "string") throw bad(`${where}: must be a content block with a "type"`);
  if (o.type === "text") str(o, "text", where);
  else if (o.type === "thinking") str(o, "thinking", where);
  else if (o.type === "tool_use") {
    str(o, "id", where);
    str(o, "name", where);
  } else if (o.type === "tool_result") {
    str(o, "tool_use_id", where);
    if (Array.isArray(o.content)) o.content.forEach((c, k) => checkBlock(c, `${where}.content.${k}`));
    else if (o.content != null && typeof o.content !== "string") throw bad(`${where}.content: must be a string or an array of content blocks`);
  }
}

/**
 * The parts of a Messages request the endpoint relies on (the fields `MessagesRequest` types and
 * the converters read); anything else passes to the upstream.
 */
function checkMessagesRequest(body: Record<string, unknown>): asserts body is Record<string, unknown> & MessagesRequest {
  if (typeof body.model !== "string" || !body.model.trim()) throw bad(`model: must be a non-empty string`);
  if (!Array.isArray(body.messages)) throw bad(`messages: must be an array`);
  body.messages.forEach((m, i) => {
    const o = m as { role?: unknown; content?: unknown } | null;
    if (!o || typeof o !== "object") throw bad(`messages.${i}: must be an object`);
    if (o.role !== "user" && o.role !== "assistant") throw bad(`messages.${i}.role: must be "user" or "assistant"`);
    if (typeof o.content !== "string" && !Array.isArray(o.content)) throw bad(`messages.${i}.content: must be a string or an array of content blocks`);
    if (Array.isArray(o.content)) o.content.forEach((b, j) => checkBlock(b, `messages.${i}.content.${j}`));
  });
  if (Array.isArray(body.system)) body.system.forEach((b, i) => checkBlock(b, `system.${i}`));
  else if (body.system != null && typeof body.system !== "string") throw bad(`system: must be a string or an array of text blocks`);
  if (body.max_tokens !== undefined && (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1)) throw bad(`max_tokens: must be a positive integer`);
  if (body.tools !== undefined && !Array.isArray(body.tools)) throw bad(`tools: must be an array`);
  if (body.stream !== undefined && typeof body.stream !== "boolean") throw bad(`stream: must be true or false`);
}

export function validateMessagesRequest(body: Record<string, unknown>): MessagesRequest {
  checkMessagesRequest(body);
  return body;
}
