import { inheritSharedHistory } from "../transport/shared-history.ts";
/**
 * Reasoning items whose `encrypted_content` the shim made for another upstream (chat reasoning,
 * Anthropic thinking) would make ChatGPT reject the request when a thread switches models, so
 * they are dropped; OpenAI's own encrypted reasoning is kept. Returns the input unchanged (same
 * array) when there is nothing to drop, so the common case costs one scan.
 */
const FOREIGN = /^(codex-shim:|anthropic-thinking-v1:)/;

function isForeign(item: unknown): boolean {
  if (!item || typeof item !== "object") return false;
  const o = item as { type?: unknown; encrypted_content?: unknown };
  return o.type === "reasoning" && typeof o.encrypted_content === "string" && FOREIGN.test(o.encrypted_content);
}

export function stripForeignReasoning<T>(input: T): T {
  if (!Array.isArray(input) || !input.some(isForeign)) return input;
  return inheritSharedHistory(input, input.filter((i) => !isForeign(i)) as T);
}
