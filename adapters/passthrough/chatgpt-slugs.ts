import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codexHome } from "../settings/state-paths.ts";

export const CHATGPT_DEFAULT_SLUG = "gpt-5.5";

/** Model entries Codex cached from ChatGPT (`$CODEX_HOME/models_cache.json`): `gpt-*`/`codex-*`, not hidden. */
export function cachedChatgptModels(env: NodeJS.ProcessEnv): Record<string, unknown>[] {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(join(codexHome(env), "models_cache.json"), "utf8"));
  } catch {
    return [];
  }
  const models = (j as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return [];
  return models.filter((m): m is Record<string, unknown> => {
    if (!m || typeof m !== "object") return false;
    const slug = (m as { slug?: unknown }).slug;
    const vis = (m as { visibility?: unknown }).visibility;
    return typeof slug === "string" && /^(gpt-|codex-)/i.test(slug) && vis !== "hidden" && vis !== "hide" && vis !== "none";
  });
}

/** Slugs advertised for the passthrough: `gpt-5.5` first, then any others Codex's cache lists. */
export function chatgptSlugs(env: NodeJS.ProcessEnv): string[] {
  const out = [CHATGPT_DEFAULT_SLUG];
  for (const m of cachedChatgptModels(env)) if (!out.includes(m.slug as string)) out.push(m.slug as string);
  return out;
}

/**
 * The ChatGPT model a slug maps to, or undefined when it is not a passthrough slug:
 * `openai-gpt-*` aliases (e.g. `openai-gpt-5-5`, `openai-gpt-5-5-codex-max`) → `gpt-5.5`;
 * an advertised slug → itself.
 */
export function chatgptUpstreamModel(slug: string, env: NodeJS.ProcessEnv): string | undefined {
  if (/^openai-gpt-/i.test(slug)) return CHATGPT_DEFAULT_SLUG;
  return chatgptSlugs(env).includes(slug) ? slug : undefined;
}
