import type { ResponsesUsage } from "./responses-types.ts";

export function zeroUsage(): ResponsesUsage {
  return {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  };
}

function int(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
}

export interface UsageParts {
  input?: unknown;
  output?: unknown;
  total?: unknown;
  cached?: unknown;
  cacheWrite?: unknown;
  reasoning?: unknown;
}

/**
 * Builds Responses usage with the integer fields Codex requires (codex-protocol §6: a usage
 * object without `total_tokens` fails the whole turn). Missing numbers become explicit zeros;
 * a missing total is derived.
 */
export function buildUsage(p: UsageParts): ResponsesUsage {
  let input = int(p.input);
  let output = int(p.output);
  const total = int(p.total);
  if (input === undefined && total !== undefined && output !== undefined) input = Math.max(total - output, 0);
  if (output === undefined && total !== undefined && input !== undefined) output = Math.max(total - input, 0);
  input ??= 0;
  output ??= 0;
  const usage: ResponsesUsage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: int(p.cached) ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: int(p.reasoning) ?? 0 },
    total_tokens: total ?? input + output,
  };
  const write = int(p.cacheWrite);
  if (write !== undefined) usage.input_tokens_details.cache_write_tokens = write;
  return usage;
}

/** A Responses `usage` from another Responses server, completed to the shape Codex requires. */
export function usageFromResponses(u: unknown): ResponsesUsage {
  const v = (u && typeof u === "object" ? u : {}) as {
    input_tokens?: unknown;
    output_tokens?: unknown;
    total_tokens?: unknown;
    input_tokens_details?: { cached_tokens?: unknown; cache_write_tokens?: unknown } | null;
    output_tokens_details?: { reasoning_tokens?: unknown } | null;
  };
  return buildUsage({
    input: v.input_tokens,
    output: v.output_tokens,
    total: v.total_tokens,
    cached: v.input_tokens_details?.cached_tokens,
    cacheWrite: v.input_tokens_details?.cache_write_tokens,
    reasoning: v.output_tokens_details?.reasoning_tokens,
  });
}
