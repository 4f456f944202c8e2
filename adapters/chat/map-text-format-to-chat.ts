import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import type { ChatRequest } from "./chat-types.ts";

/**
 * Responses `text.format` (`codex exec --output-schema` sends a strict json_schema named
 * `codex_output_schema`) → chat `response_format`. Unknown format types are left out.
 */
export function mapTextFormatToChat(text: ResponsesRequest["text"]): ChatRequest["response_format"] | undefined {
  const f = text?.format as { type?: string; name?: unknown; schema?: unknown; strict?: unknown } | undefined;
  if (!f) return undefined;
  if (f.type === "json_schema" && f.schema && typeof f.schema === "object") {
    const name = typeof f.name === "string" && /^[a-zA-Z0-9_-]{1,64}$/.test(f.name) ? f.name : "output_schema";
    return { type: "json_schema", json_schema: { name, schema: f.schema as Record<string, unknown>, ...(typeof f.strict === "boolean" ? { strict: f.strict } : {}) } };
  }
  if (f.type === "json_object") return { type: "json_object" };
  return undefined;
}

/** Chat `verbosity` is an OpenAI GPT-5 parameter; other providers reject or ignore it. */
export function mapVerbosityToChat(text: ResponsesRequest["text"], model: ModelConfig): string | undefined {
  const v = text?.verbosity;
  if (v !== "low" && v !== "medium" && v !== "high") return undefined;
  return /^gpt-5/i.test(model.model) && /(^|\.)openai\.com(:|\/|$)/i.test(new URL(model.baseUrl).host + "/") ? v : undefined;
}
