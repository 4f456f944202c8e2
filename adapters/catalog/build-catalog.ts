import type { ModelConfig, Settings } from "../settings/settings-types.ts";
import { keyStatus } from "../settings/resolve-api-key.ts";
import { buildCatalogEntry, type CatalogEntry } from "./build-catalog-entry.ts";

/** Codex's `model_catalog_json` file shape (codex-protocol §8.1). */
export interface ModelCatalog {
  models: CatalogEntry[];
}

export interface BuiltCatalog {
  catalog: ModelCatalog;
  included: ModelConfig[];
  /** Models left out, with the reason (never a secret). */
  skipped: { model: ModelConfig; reason: string }[];
}

/**
 * The catalog Codex's picker shows: every model that can answer now. A model without its API
 * key is left out (Codex would only get 401s), and reported so the user can fix it.
 */
export function buildCatalog(settings: Settings, env: NodeJS.ProcessEnv = process.env): BuiltCatalog {
  const included: ModelConfig[] = [];
  const skipped: BuiltCatalog["skipped"] = [];
  for (const m of settings.models) {
    const k = keyStatus(m, env);
    if (k.usable) included.push(m);
    else skipped.push({ model: m, reason: k.reason ?? "not usable" });
  }
  return { catalog: { models: included.map(buildCatalogEntry) }, included, skipped };
}
