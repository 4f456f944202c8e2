import type { ServerContext } from "../server-context.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { passthroughCatalogEntries } from "../../adapters/codex-catalog/passthrough-catalog-entries.ts";

/**
 * OpenAI list shape (`data`) and Codex's catalog shape (`models`) in one body, so the same URL
 * serves OpenAI clients and Codex's `model_catalog_url` (codex-protocol §8.1).
 */
export async function modelsBody(ctx: ServerContext) {
  const created = Math.floor(ctx.startedAt / 1000);
  // Passthrough slugs only while their login is there (ChatGPT: auth.json; Cursor: cursor-agent
  // status); a passthrough wins over a settings row with the same slug, as in routing.
  const passthrough = await passthroughCatalogEntries(ctx.env, { cursorWaitMs: 2_000 });
  const usable = ctx.store.current.models.filter((m) => keyStatus(m, ctx.env).usable && !passthrough.some((e) => e.slug === m.slug));
  const ownerOf = (slug: unknown) => (String(slug).startsWith("composer-") ? "cursor" : "chatgpt");
  return {
    object: "list",
    data: [
      ...passthrough.map((e) => ({ id: e.slug as string, object: "model", created, owned_by: ownerOf(e.slug) })),
      ...usable.map((m) => ({ id: m.slug, object: "model", created, owned_by: "codex-shim" })),
    ],
    models: [...passthrough, ...usable.map(buildCatalogEntry)],
  };
}
