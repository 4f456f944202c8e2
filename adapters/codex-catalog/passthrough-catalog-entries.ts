import { buildCatalogEntry, type CatalogEntry } from "./build-catalog-entry.ts";
import { codexBaseInstructions } from "./codex-base-instructions.ts";
import { passthroughModelConfig } from "../routes/passthrough-model-config.ts";
import { CHATGPT_DEFAULT_SLUG, cachedChatgptModels } from "../chatgpt/chatgpt-slugs.ts";
import { chatgptAvailable } from "../chatgpt/chatgpt-availability.ts";
import { CURSOR_DISPLAY_NAME, CURSOR_SLUG, CURSOR_UPSTREAM_MODEL } from "../cursor/cursor-env.ts";
import { cursorAvailableWithin } from "../cursor/cursor-status.ts";

/** A catalog entry for a passthrough slug: our own shape, or the one Codex cached from ChatGPT. */
export type PassthroughCatalogEntry = CatalogEntry | Record<string, unknown>;

function chatgptFallbackEntry(): CatalogEntry {
  const e = buildCatalogEntry(
    passthroughModelConfig({ slug: CHATGPT_DEFAULT_SLUG, model: CHATGPT_DEFAULT_SLUG, displayName: "GPT-5.5", baseUrl: "" }),
  );
  return {
    ...e,
    description: "GPT-5.5 through your ChatGPT subscription (Codex login), via codex-shim.",
    context_window: 400_000,
    max_context_window: 400_000,
    auto_compact_token_limit: 320_000,
    truncation_policy: { mode: "tokens", limit: 64_000 },
    base_instructions: codexBaseInstructions("GPT-5.5"),
    priority: 10_000,
  };
}

/**
 * ChatGPT passthrough entries (only while logged in and not disabled): the entries Codex cached
 * from ChatGPT (`models_cache.json`), copied as they are but listed, or a built-in `gpt-5.5`.
 */
export function chatgptCatalogEntries(env: NodeJS.ProcessEnv): PassthroughCatalogEntry[] {
  if (!chatgptAvailable(env)) return [];
  const cached: PassthroughCatalogEntry[] = cachedChatgptModels(env).map((m) => ({ ...m, visibility: "list", supported_in_api: true }));
  if (!cached.some((m) => m.slug === CHATGPT_DEFAULT_SLUG)) cached.unshift(chatgptFallbackEntry());
  return cached;
}

export function cursorCatalogEntry(): CatalogEntry {
  const { default_reasoning_level: _none, ...e } = buildCatalogEntry(
    passthroughModelConfig({ slug: CURSOR_SLUG, model: CURSOR_UPSTREAM_MODEL, displayName: CURSOR_DISPLAY_NAME, baseUrl: "" }),
  );
  return {
    ...e,
    description: "Cursor's Composer 2.5 through your cursor-agent login, via codex-shim (text only: Codex's tools are not bridged).",
    supported_reasoning_levels: [],
    supports_reasoning_summaries: false,
    default_reasoning_summary: "none",
    context_window: 272_000,
    max_context_window: 272_000,
    auto_compact_token_limit: 217_600,
    truncation_policy: { mode: "tokens", limit: 64_000 },
    input_modalities: ["text"],
    priority: 11_000,
  };
}

/**
 * Every passthrough entry that is currently available, for the catalog, `/v1/models` and `list`.
 * `cursorWaitMs` bounds the wait for `cursor-agent status` (15 s at most by default).
 */
export async function passthroughCatalogEntries(env: NodeJS.ProcessEnv, opts: { cursorWaitMs?: number } = {}): Promise<PassthroughCatalogEntry[]> {
  const out = chatgptCatalogEntries(env);
  if (await cursorAvailableWithin(env, opts.cursorWaitMs ?? 15_000)) out.push(cursorCatalogEntry());
  return out;
}
