import type { ModelConfig } from "../settings/settings-types.ts";
import { codexBaseInstructions } from "./codex-base-instructions.ts";

/** One Codex `ModelInfo` (codex-protocol §8.2–§8.3): every field Codex 0.169 requires. */
export interface CatalogEntry {
  slug: string;
  display_name: string;
  description: string;
  default_reasoning_level?: string;
  supported_reasoning_levels: { effort: string; description: string }[];
  shell_type: "shell_command";
  visibility: "list";
  supported_in_api: true;
  priority: number;
  base_instructions: string;
  supports_reasoning_summaries: boolean;
  default_reasoning_summary: "auto" | "none";
  support_verbosity: false;
  apply_patch_tool_type: "freeform";
  web_search_tool_type: "text";
  truncation_policy: { mode: "tokens"; limit: number };
  supports_parallel_tool_calls: boolean;
  context_window: number;
  max_context_window: number;
  auto_compact_token_limit: number;
  experimental_supported_tools: string[];
  input_modalities: ("text" | "image")[];
  supports_search_tool: false;
}

/** Context window from `max_context_limit`, else a conservative guess from the model's name. */
export function contextWindowOf(m: Pick<ModelConfig, "maxContextLimit" | "model" | "displayName">): number {
  if (m.maxContextLimit) return m.maxContextLimit;
  const n = `${m.model} ${m.displayName}`.toLowerCase();
  if (n.includes("claude")) return 200_000;
  if (n.includes("gpt-5")) return 400_000;
  if (n.includes("gemini")) return 1_000_000;
  return 128_000;
}

const LEVELS = [
  { effort: "low", description: "Fast responses with lighter reasoning" },
  { effort: "medium", description: "Balances speed and reasoning depth" },
  { effort: "high", description: "Greater reasoning depth for complex problems" },
  { effort: "xhigh", description: "Extra high reasoning depth" },
];

function defaultEffort(m: ModelConfig): string {
  if (m.defaultReasoningEffort) return m.defaultReasoningEffort;
  const d = m.displayName.toLowerCase();
  if (d.includes("xhigh") || d.includes("x-high")) return "xhigh";
  if (/\bhigh\b/.test(d)) return "high";
  if (/\blow\b/.test(d)) return "low";
  return "medium";
}

/** How each provider's upstream is spoken to, for the catalog description. */
const UPSTREAM_API: Readonly<Record<ModelConfig["provider"], string>> = {
  openai: "chat completions",
  "generic-chat-completion-api": "chat completions",
  anthropic: "Anthropic Messages",
  "openai-responses": "native Responses API",
};

export function buildCatalogEntry(m: ModelConfig): CatalogEntry {
  const context = contextWindowOf(m);
  const reasoning = m.reasoning !== false;
  const entry: CatalogEntry = {
    slug: m.slug,
    display_name: m.displayName,
    description: m.description ?? `${m.displayName} via codex-shim (${UPSTREAM_API[m.provider]}).`,
    supported_reasoning_levels: reasoning ? LEVELS : [],
    shell_type: "shell_command",
    visibility: "list",
    supported_in_api: true,
    priority: Math.max(1, 1 + m.index),
    base_instructions: codexBaseInstructions(m.displayName),
    supports_reasoning_summaries: reasoning,
    default_reasoning_summary: reasoning ? "auto" : "none",
    support_verbosity: false,
    apply_patch_tool_type: "freeform",
    web_search_tool_type: "text",
    // Codex compacts at 90 % of context_window; it also truncates tool output by this policy.
    truncation_policy: { mode: "tokens", limit: Math.min(64_000, Math.max(8_000, Math.floor(context * 0.32))) },
    supports_parallel_tool_calls: true,
    context_window: context,
    max_context_window: context,
    auto_compact_token_limit: Math.max(8_000, Math.floor(context * 0.8)),
    experimental_supported_tools: [],
    input_modalities: m.noImageSupport ? ["text"] : ["text", "image"],
    supports_search_tool: false,
  };
  if (reasoning) entry.default_reasoning_level = defaultEffort(m);
  return entry;
}
