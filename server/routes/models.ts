import type { ServerContext } from "../server-context.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { buildCatalogEntry } from "../../adapters/catalog/build-catalog-entry.ts";

/**
 * OpenAI list shape (`data`) and Codex's catalog shape (`models`) in one body, so the same URL
 * serves OpenAI clients and Codex's `model_catalog_url` (codex-protocol §8.1).
 */
export function modelsBody(ctx: ServerContext) {
  const usable = ctx.store.current.models.filter((m) => keyStatus(m, ctx.env).usable);
  const created = Math.floor(ctx.startedAt / 1000);
  return {
    object: "list",
    data: usable.map((m) => ({ id: m.slug, object: "model", created, owned_by: "codex-shim" })),
    models: usable.map(buildCatalogEntry),
  };
}
