import { buildCatalogEntry, type CatalogEntry } from "../codex-catalog/build-catalog-entry.ts";
import { passthroughModelConfig } from "../routes/passthrough-model-config.ts";
import type { RouterState } from "./router-config.ts";

/**
 * The router's catalog entry (first in the catalog, priority 0). Its context window is the
 * smallest candidate's, so Codex compacts before any candidate would overflow; images are
 * offered when some candidate takes them.
 */
export function routerCatalogEntry(state: RouterState): CatalogEntry {
  const r = state.settings;
  const context = Math.min(...state.usable.map((c) => c.contextWindow));
  const base = buildCatalogEntry({ ...passthroughModelConfig({ slug: r.slug, model: r.slug, displayName: r.displayName, baseUrl: "" }), maxContextLimit: context });
  return {
    ...base,
    description: `Picks the cheapest capable model for each turn among ${state.usable.map((c) => c.slug).join(", ")} (codex-shim auto-router).`,
    priority: 0,
    input_modalities: state.usable.some((c) => c.supportsImages) ? ["text", "image"] : ["text"],
  };
}
