import { join } from "node:path";
import { codexHome } from "../settings/state-paths.ts";
import { StatCachedFile, type FileRead } from "./stat-cached-file.ts";

export const CHATGPT_DEFAULT_SLUG = "gpt-5.5";

interface CachedModels {
  models: readonly Record<string, unknown>[];
  /** `gpt-5.5` first, then the cached slugs. */
  slugs: readonly string[];
}

/** The only slugs the passthrough can serve: `gpt-5.5` and the cache's `gpt-*`/`codex-*` entries. */
const PASSTHROUGH_SHAPE = /^(gpt-|codex-)/i;

function parseModelsCache(read: FileRead): CachedModels {
  let j: unknown;
  try {
    j = read.ok ? JSON.parse(read.text) : null;
  } catch {
    j = null;
  }
  const list = (j as { models?: unknown } | null)?.models;
  const models = !Array.isArray(list)
    ? []
    : list.filter((m): m is Record<string, unknown> => {
        if (!m || typeof m !== "object") return false;
        const slug = (m as { slug?: unknown }).slug;
        const vis = (m as { visibility?: unknown }).visibility;
        return typeof slug === "string" && PASSTHROUGH_SHAPE.test(slug) && vis !== "hidden" && vis !== "hide" && vis !== "none";
      });
  const slugs = [CHATGPT_DEFAULT_SLUG];
  for (const m of models) if (!slugs.includes(m.slug as string)) slugs.push(m.slug as string);
  return { models, slugs };
}

const modelsCacheFile = new StatCachedFile(parseModelsCache);

function modelsCache(env: NodeJS.ProcessEnv): CachedModels {
  return modelsCacheFile.get(join(codexHome(env), "models_cache.json"));
}

/**
 * Model entries Codex cached from ChatGPT (`$CODEX_HOME/models_cache.json`): `gpt-*`/`codex-*`,
 * not hidden. Parsed again only when the file changed; the entries are shared, do not mutate them.
 */
export function cachedChatgptModels(env: NodeJS.ProcessEnv): readonly Record<string, unknown>[] {
  return modelsCache(env).models;
}

/** Slugs advertised for the passthrough: `gpt-5.5` first, then any others Codex's cache lists. */
export function chatgptSlugs(env: NodeJS.ProcessEnv): readonly string[] {
  return modelsCache(env).slugs;
}

/**
 * The ChatGPT model a slug maps to, or undefined when it is not a passthrough slug:
 * `openai-gpt-*` aliases (e.g. `openai-gpt-5-5`, `openai-gpt-5-5-codex-max`) → `gpt-5.5`;
 * an advertised slug → itself.
 */
export function chatgptUpstreamModel(slug: string, env: NodeJS.ProcessEnv): string | undefined {
  if (/^openai-gpt-/i.test(slug)) return CHATGPT_DEFAULT_SLUG;
  // any other slug cannot be in the cache: no stat of models_cache.json on its request
  if (!PASSTHROUGH_SHAPE.test(slug)) return undefined;
  return chatgptSlugs(env).includes(slug) ? slug : undefined;
}
