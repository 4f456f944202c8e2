import type { ResponsesUsage } from "../responses/responses-types.ts";
import { buildUsage } from "../responses/normalize-usage.ts";
import type { ChatUsage } from "./chat-types.ts";

/** Chat usage (OpenAI, DeepSeek, Moonshot spellings) → Responses usage. */
export function mapChatUsage(u: ChatUsage): ResponsesUsage {
  return buildUsage({
    input: u.prompt_tokens,
    output: u.completion_tokens,
    total: u.total_tokens,
    cached: u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? u.cached_tokens,
    reasoning: u.completion_tokens_details?.reasoning_tokens,
  });
}
