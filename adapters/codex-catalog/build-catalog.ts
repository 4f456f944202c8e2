import type { ModelConfig, Settings } from "../settings/settings-types.ts";
import { keyStatus } from "../settings/resolve-api-key.ts";
import { buildCatalogEntry, type CatalogEntry } from "./build-catalog-entry.ts";
import type { PassthroughCatalogEntry } from "./passthrough-catalog-entries.ts";
import { routerState, type RouterState } from "../router/router-config.ts";
import { routerCatalogEntry } from "../router/router-catalog-entry.ts";
import { CURSOR_SLUG } from "../cursor/cursor-env.ts";

/** Codex's `model_catalog_json` file shape (codex-protocol §8.1). */
export interface ModelCatalog {
  models: (CatalogEntry | PassthroughCatalogEntry)[];
}

/** The fields the CLI reads from any entry (settings-based or passthrough). */
export function entryInfo(e: CatalogEntry | PassthroughCatalogEntry): { slug: string; displayName: string; priority: number } {
  const r = e as Record<string, unknown>;
  return { slug: String(r.slug), displayName: String(r.display_name ?? r.slug), priority: typeof r.priority === "number" ? r.priority : 0 };
}

export interface BuiltCatalog {
  catalog: ModelCatalog;
  included: ModelConfig[];
  /** Models left out, with the reason (never a secret). */
  skipped: { model: ModelConfig; reason: string }[];
  /** The auto-router, when the settings have one (advertised first only while active). */
  router: RouterState | null;
}

/**
 * The catalog Codex's picker shows: every model that can answer now. A model without its API
 * key is left out (Codex would only get 401s), and reported so the user can fix it.
 */
export function buildCatalog(settings: Settings, env: NodeJS.ProcessEnv = process.env, passthrough: PassthroughCatalogEntry[] = []): BuiltCatalog {
  const included: ModelConfig[] = [];
  const skipped: BuiltCatalog["skipped"] = [];
  for (const m of settings.models) {
    const k = keyStatus(m, env);
    if (k.usable) included.push(m);
    else skipped.push({ model: m, reason: k.reason ?? "not usable" });
  }
  const own = included.map(buildCatalogEntry);
  const slugs = new Set(own.map((e) => e.slug));
  const router = routerState(settings, env, { cursorAvailable: passthrough.some((e) => entryInfo(e).slug === CURSOR_SLUG) });
  const auto = router?.active ? [routerCatalogEntry(router)] : [];
  return { catalog: { models: [...auto, ...own, ...passthrough.filter((e) => !slugs.has(entryInfo(e).slug))] }, included, skipped, router };
}
