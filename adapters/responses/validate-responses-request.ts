import { ShimError } from "../errors/shim-error.ts";
import type { ResponsesRequest } from "./responses-types.ts";

function bad(message: string): ShimError {
  return new ShimError({ status: 400, code: "invalid_request", message });
}

const TEXT_PARTS = new Set(["input_text", "output_text", "text"]);
const IMAGE_PARTS = new Set(["input_image", "image_url"]);

/** A content part (message content, tool output): an object with a `type`; known kinds with the fields the converters read. */
function checkPart(part: unknown, where: string): void {
  const p = part as Record<string, unknown> | null;
  if (!p || typeof p !== "object" || Array.isArray(p) || typeof p.type !== "string") throw bad(`${where} must be an object with a "type"`);
  if (TEXT_PARTS.has(p.type) && typeof p.text !== "string") throw bad(`${where}.text must be a string`);
  if (p.type === "refusal" && typeof p.refusal !== "string") throw bad(`${where}.refusal must be a string`);
  if (IMAGE_PARTS.has(p.type) && p.image_url != null && typeof p.image_url !== "string" && typeof (p.image_url as { url?: unknown }).url !== "string")
    throw bad(`${where}.image_url must be a URL string or {"url": string}`);
  if (IMAGE_PARTS.has(p.type) && p.detail != null && typeof p.detail !== "string") throw bad(`${where}.detail must be a string`);
}

function checkParts(parts: unknown[], where: string): void {
  for (let j = 0; j < parts.length; j++) checkPart(parts[j], `${where}[${j}]`);
}

function checkOptionalString(o: Record<string, unknown>, field: string, where: string): void {
  if (o[field] != null && typeof o[field] !== "string") throw bad(`${where}.${field} must be a string`);
}

function checkOutput(o: Record<string, unknown>, where: string): void {
  if (o.output == null || typeof o.output === "string") return;
  if (!Array.isArray(o.output)) throw bad(`${where}.output must be a string or an array of parts`);
  checkParts(o.output, `${where}.output`);
}

/**
 * Checks the parts of a Responses request the shim relies on, so that bad input gets a clear
 * 400 instead of failing somewhere inside a converter: every field of a known item kind that a
 * converter reads has the type `responses-types.ts` gives it. Unknown item kinds pass (they are
 * `UnknownInputItem`s: dropped with a note by the converters, relayed as they are by passthroughs).
 */
export function validateResponsesRequest(body: Record<string, unknown>): ResponsesRequest {
  if (typeof body.model !== "string" || !body.model.trim()) throw bad(`"model" must be a non-empty string, got ${JSON.stringify(body.model ?? null)}`);
  if (body.instructions != null && typeof body.instructions !== "string") throw bad(`"instructions" must be a string`);
  const input = body.input;
  if (input !== undefined && input !== null && typeof input !== "string") {
    if (!Array.isArray(input)) throw bad(`"input" must be a string or an array of items, got ${typeof input}`);
    for (let i = 0; i < input.length; i++) {
      const it = input[i] as unknown;
      if (typeof it === "string") continue;
      if (!it || typeof it !== "object" || Array.isArray(it)) throw bad(`input[${i}] must be an object, got ${JSON.stringify(it)?.slice(0, 80)}`);
      const o = it as Record<string, unknown>;
      const where = `input[${i}]`;
      if (o.type !== undefined && typeof o.type !== "string") throw bad(`${where}.type must be a string`);
      const type = (o.type as string | undefined) ?? "message";
      if (type === "message") {
        if (typeof o.role !== "string") throw bad(`${where}.role must be a string`);
        if (o.content !== undefined && o.content !== null && typeof o.content !== "string" && !Array.isArray(o.content))
          throw bad(`${where}.content must be a string or an array of parts`);
        if (Array.isArray(o.content)) checkParts(o.content, `${where}.content`);
      } else if (type === "function_call" || type === "custom_tool_call") {
        if (typeof o.call_id !== "string") throw bad(`${where}.call_id must be a string`);
        if (typeof o.name !== "string") throw bad(`${where}.name must be a string`);
        checkOptionalString(o, type === "function_call" ? "arguments" : "input", where);
        checkOptionalString(o, "namespace", where);
      } else if (type === "function_call_output" || type === "custom_tool_call_output") {
        if (typeof o.call_id !== "string") throw bad(`${where}.call_id must be a string`);
        checkOutput(o, where);
      } else if (type === "local_shell_call_output") {
        checkOutput(o, where);
      } else if (type === "local_shell_call" || type === "web_search_call") {
        if (o.action != null && (typeof o.action !== "object" || Array.isArray(o.action))) throw bad(`${where}.action must be an object`);
      } else if (type === "input_text" || type === "input_image") {
        checkPart(o, where);
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
