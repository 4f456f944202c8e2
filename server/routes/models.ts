import type { ServerContext } from "../server-context.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { buildCatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { passthroughCatalogEntries } from "../../adapters/codex-catalog/passthrough-catalog-entries.ts";
import { routerState } from "../../adapters/router/router-config.ts";
import { routerCatalogEntry } from "../../adapters/router/router-catalog-entry.ts";
import { CURSOR_SLUG } from "../../adapters/cursor/cursor-env.ts";

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
  const router = routerState(ctx.store.current, ctx.env, { cursorAvailable: passthrough.some((e) => e.slug === CURSOR_SLUG) });
  const auto = router?.active ? [routerCatalogEntry(router)] : [];
  return {
    object: "list",
    data: [
      ...auto.map((e) => ({ id: e.slug, object: "model", created, owned_by: "codex-shim-auto" })),
      ...passthrough.map((e) => ({ id: e.slug as string, object: "model", created, owned_by: ownerOf(e.slug) })),
      ...usable.map((m) => ({ id: m.slug, object: "model", created, owned_by: "codex-shim" })),
    ],
    models: [...auto, ...passthrough, ...usable.map(buildCatalogEntry)],
  };
}
