import type { ResponsesUsage } from "../responses/responses-types.ts";
import { buildUsage } from "../responses/normalize-usage.ts";
import type { AnthropicUsage } from "./anthropic-types.ts";

function n(v: unknown): number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : 0;
}

/**
 * Anthropic usage → Responses usage. Anthropic's `input_tokens` counts only the uncached part of
 * the prompt; Responses' counts all of it. So input = input + cache_read + cache_creation,
 * cached = cache_read, and cache writes stay visible as `cache_write_tokens`.
 */
export function mapAnthropicUsage(u: AnthropicUsage): ResponsesUsage {
  const read = n(u.cache_read_input_tokens);
  const write = n(u.cache_creation_input_tokens);
  const input = n(u.input_tokens) + read + write;
  return buildUsage({
    input,
    output: n(u.output_tokens),
    cached: read,
    cacheWrite: write,
    reasoning: u.output_tokens_details?.thinking_tokens,
  });
}

/**
 * `message_delta.usage` is cumulative and may repeat or correct fields of `message_start`
 * (some Anthropic-compatible servers only fill input_tokens there): later numbers win.
 */
export function mergeAnthropicUsage(base: AnthropicUsage | null, next: AnthropicUsage | undefined | null): AnthropicUsage | null {
  if (!next || typeof next !== "object") return base;
  const out: AnthropicUsage = { ...(base ?? {}) };
  for (const k of ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] as const) {
    const v = next[k];
    if (typeof v === "number") out[k] = v;
  }
  if (next.output_tokens_details && typeof next.output_tokens_details === "object") out.output_tokens_details = next.output_tokens_details;
  return out;
}
