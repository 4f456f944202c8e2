import { ShimError } from "../errors/shim-error.ts";
import type { ResponsesRequest } from "./responses-types.ts";

function bad(message: string): ShimError {
  return new ShimError({ status: 400, code: "invalid_request", message });
}

/**
 * Checks the parts of a Responses request the shim relies on, so that bad input gets a clear
 * 400 instead of failing somewhere inside a converter. Unknown item types pass (converters
 * decide what to do with them).
 */
export function validateResponsesRequest(body: Record<string, unknown>): ResponsesRequest {
  if (typeof body.model !== "string" || !body.model.trim()) throw bad(`"model" must be a non-empty string, got ${JSON.stringify(body.model ?? null)}`);
  const input = body.input;
  if (input !== undefined && input !== null && typeof input !== "string") {
    if (!Array.isArray(input)) throw bad(`"input" must be a string or an array of items, got ${typeof input}`);
    for (let i = 0; i < input.length; i++) {
      const it = input[i] as unknown;
      if (typeof it === "string") continue;
      if (!it || typeof it !== "object" || Array.isArray(it)) throw bad(`input[${i}] must be an object, got ${JSON.stringify(it)?.slice(0, 80)}`);
      const o = it as Record<string, unknown>;
      if (o.type !== undefined && typeof o.type !== "string") throw bad(`input[${i}].type must be a string`);
      const type = (o.type as string | undefined) ?? "message";
      if (type === "message") {
        if (typeof o.role !== "string") throw bad(`input[${i}].role must be a string`);
        if (o.content !== undefined && o.content !== null && typeof o.content !== "string" && !Array.isArray(o.content))
          throw bad(`input[${i}].content must be a string or an array of parts`);
        if (Array.isArray(o.content))
          for (let j = 0; j < o.content.length; j++) {
            const p = o.content[j] as unknown;
            if (!p || typeof p !== "object" || typeof (p as { type?: unknown }).type !== "string") throw bad(`input[${i}].content[${j}] must be an object with a "type"`);
          }
      } else if (type === "function_call" || type === "custom_tool_call") {
        if (typeof o.call_id !== "string") throw bad(`input[${i}].call_id must be a string`);
        if (typeof o.name !== "string") throw bad(`input[${i}].name must be a string`);
      } else if (type === "function_call_output" || type === "custom_tool_call_output") {
        if (typeof o.call_id !== "string") throw bad(`input[${i}].call_id must be a string`);
        if (o.output !== undefined && typeof o.output !== "string" && !Array.isArray(o.output)) throw bad(`input[${i}].output must be a string or an array of parts`);
      }
    }
  }
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw bad(`"tools" must be an array`);
    body.tools.forEach((t, i) => {
      if (!t || typeof t !== "object" || typeof (t as { type?: unknown }).type !== "string") throw bad(`tools[${i}] must be an object with a "type"`);
    });
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean") throw bad(`"stream" must be true or false`);
  if (body.store !== undefined && body.store !== null && typeof body.store !== "boolean") throw new ShimError({ status: 400, code: "invalid_type", param: "store", message: `"store" must be true or false, got ${JSON.stringify(body.store)}` });
  return body as ResponsesRequest;
}
