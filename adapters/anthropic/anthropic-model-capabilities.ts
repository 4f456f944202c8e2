import type { ReasoningEffort } from "../responses/responses-types.ts";
import type { AnthropicRequest } from "./anthropic-types.ts";

export interface ClaudeVersion {
  major: number;
  minor: number;
}

/**
 * The Claude generation from a model id, in any of the spellings seen in the wild:
 * `claude-sonnet-4-5-20250929`, `claude-opus-4.6`, `claude-sonnet-5`, `claude-3-7-sonnet-latest`,
 * `us.anthropic.claude-haiku-4-5-v1:0`. Dates (`-20250514`) are not minor versions.
 * Null for models that are not Claude (DeepSeek, Kimi, GLM … behind an Anthropic-compatible API).
 */
export function claudeVersionOf(model: string): ClaudeVersion | null {
  const m = model.toLowerCase();
  const named = /claude-[a-z]+-(\d{1,2})(?:[-.](\d{1,2}))?(?=$|[-.@:_/])/.exec(m);
  if (named) return { major: Number(named[1]), minor: Number(named[2] ?? 0) };
  const legacy = /claude-(\d{1,2})(?:[-.](\d{1,2}))?-[a-z]+/.exec(m);
  if (legacy) return { major: Number(legacy[1]), minor: Number(legacy[2] ?? 0) };
  if (/claude-(instant|2)/.test(m)) return { major: 2, minor: 0 };
  return null;
}

function atLeast(v: ClaudeVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export type ThinkingStyle = "adaptive" | "budget" | "none";

/**
 * How a model takes extended thinking: Claude ≥ 4.6 wants `{type:"adaptive"}` plus an effort
 * (Opus 4.7 and later reject `budget_tokens`), Claude 3.7–4.5 a token budget, older Claude none.
 * Non-Claude models behind an Anthropic-compatible API get the budget form, which those
 * servers implement (or ignore); `reasoning: false` in the settings turns it off.
 */
export function thinkingStyleOf(model: string): ThinkingStyle {
  const v = claudeVersionOf(model);
  if (!v) return "budget";
  if (atLeast(v, 4, 6)) return "adaptive";
  if (atLeast(v, 3, 7)) return "budget";
  return "none";
}

/** `max_tokens` when neither the request nor the settings give one (it is required). */
export function defaultMaxTokens(model: string): number {
  const v = claudeVersionOf(model);
  if (!v) return 8192;
  if (atLeast(v, 3, 7)) return 32000;
  if (atLeast(v, 3, 5)) return 8192;
  return 4096;
}

const BUDGETS: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32000,
};
const ADAPTIVE_EFFORT: Record<Exclude<ReasoningEffort, "none">, "low" | "medium" | "high" | "max"> = {
  minimal: "low",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "max",
};

export const MIN_THINKING_BUDGET = 1024;

/**
 * The thinking fields for one request, or null for none. A budget must be ≥ 1024 and below
 * max_tokens; it is capped so that at least a quarter of max_tokens is left for the answer
 * and tool calls (thinking and answer share max_tokens).
 */
export function planThinking(model: string, effort: ReasoningEffort | undefined, maxTokens: number): Pick<AnthropicRequest, "thinking" | "output_config"> | null {
  if (!effort || effort === "none") return null;
  const style = thinkingStyleOf(model);
  if (style === "none") return null;
  if (style === "adaptive") return { thinking: { type: "adaptive" }, output_config: { effort: ADAPTIVE_EFFORT[effort] ?? "medium" } };
  const cap = maxTokens - Math.max(MIN_THINKING_BUDGET, Math.floor(maxTokens / 4));
  const budget = Math.min(BUDGETS[effort] ?? BUDGETS.medium, cap);
  if (budget < MIN_THINKING_BUDGET) return null;
  return { thinking: { type: "enabled", budget_tokens: budget } };
}
