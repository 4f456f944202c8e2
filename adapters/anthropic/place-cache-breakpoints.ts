import type { AnthropicContentBlock, AnthropicMessage, AnthropicRequest, CacheControl } from "./anthropic-types.ts";

const EPHEMERAL: CacheControl = { type: "ephemeral" };
export const MAX_BREAKPOINTS = 4;

export interface BreakpointPlacement {
  tools: boolean;
  system: boolean;
  /** Indexes into `messages` whose last block carries a breakpoint. */
  messages: number[];
}

function cacheable(b: AnthropicContentBlock): boolean {
  // Thinking blocks cannot carry cache_control; empty text blocks are rejected anyway.
  return b.type !== "thinking" && b.type !== "redacted_thinking" && !(b.type === "text" && b.text === "");
}

/** `content` with its last cacheable block marked, as a copy (null: none to mark). Blocks and arrays are never modified: a continued turn shares them with the turn before. */
function markLastBlock<T extends AnthropicContentBlock>(content: readonly T[]): T[] | null {
  for (let i = content.length - 1; i >= 0; i--) {
    const b = content[i];
    if (cacheable(b)) {
      const copy = content.slice();
      copy[i] = { ...b, cache_control: EPHEMERAL };
      return copy;
    }
  }
  return null;
}

/** The message each marked copy was made from (continue-anthropic-messages.ts reuses the originals). */
const unmarked = new WeakMap<AnthropicMessage, AnthropicMessage>();

/** `messages` as they were before placeCacheBreakpoints marked some (a copy; the same array when none was). */
export function withoutBreakpoints(messages: readonly AnthropicMessage[], placed: readonly number[]): AnthropicMessage[] {
  const out = messages.slice();
  for (const i of placed) out[i] = unmarked.get(out[i]) ?? out[i];
  return out;
}

/**
 * Adds prompt-caching breakpoints (at most four) where Codex's prefixes stay stable:
 *
 * 1. the last tool (tool schemas rarely change within a session),
 * 2. the last system block (base instructions + permissions),
 * 3. the last block of the previous user turn: this request's prefix up to there is exactly
 *    the whole prompt of the previous request (Codex resends the full history, append-only),
 *    where the previous request wrote its cache, so it is read at cache-read rates,
 * 4. the last block of the final user turn, which writes the cache the next request reads.
 *
 * Anthropic caches the prefix in the order tools → system → messages, so each breakpoint
 * covers everything before it.
 */
export function placeCacheBreakpoints(body: AnthropicRequest): BreakpointPlacement {
  const placed: BreakpointPlacement = { tools: false, system: false, messages: [] };
  let budget = MAX_BREAKPOINTS;
  if (body.tools?.length) {
    body.tools = [...body.tools.slice(0, -1), { ...body.tools[body.tools.length - 1], cache_control: EPHEMERAL }];
    placed.tools = true;
    budget--;
  }
  const system = body.system?.length ? markLastBlock(body.system) : null;
  if (system) {
    body.system = system;
    placed.system = true;
    budget--;
  }
  const userTurns: number[] = [];
  for (let i = body.messages.length - 1; i >= 0 && userTurns.length < 2; i--) if (body.messages[i].role === "user") userTurns.push(i);
  for (const i of userTurns.reverse()) {
    if (budget <= 0) break;
    const m = body.messages[i];
    const content = markLastBlock(m.content as AnthropicContentBlock[]);
    if (content) {
      const copy = { ...m, content } as AnthropicMessage;
      unmarked.set(copy, m);
      body.messages[i] = copy;
      placed.messages.push(i);
      budget--;
    }
  }
  return placed;
}

/** Default: on for api.anthropic.com, off for Anthropic-compatible servers (unknown support). */
export function promptCachingEnabled(setting: boolean | undefined, baseUrl: string): boolean {
  if (typeof setting === "boolean") return setting;
  try {
    return new URL(baseUrl).hostname.toLowerCase() === "api.anthropic.com";
  } catch {
    return false;
  }
}
