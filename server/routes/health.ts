import type { ServerContext } from "../server-context.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { routeFor } from "../../adapters/routes/route-table.ts";
import { availableChatgptSlugs } from "../../adapters/chatgpt/chatgpt-availability.ts";
import { cursorAvailableWithin } from "../../adapters/cursor/cursor-status.ts";
import { routerState } from "../../adapters/router/router-config.ts";

export async function healthBody(ctx: ServerContext) {
  const s = ctx.store.current;
  const chatgptSlugs = availableChatgptSlugs(ctx.env);
  const cursor = await cursorAvailableWithin(ctx.env, 2_000);
  const status = s.models.map((m) => ({ m, k: keyStatus(m, ctx.env) }));
  const usable = status.filter((x) => x.k.usable).map((x) => x.m);
  const kinds = new Set(usable.map((m) => routeFor("responses", m.provider)?.kind).filter(Boolean));
  const router = routerState(s, ctx.env, { cursorAvailable: cursor });
  return {
    ok: true,
    status: "ok",
    version: ctx.version,
    uptime_s: Math.round((Date.now() - ctx.startedAt) / 1000),
    models: usable.length + chatgptSlugs.length + (cursor ? 1 : 0),
    configured_models: s.models.length,
    settings: { file: ctx.store.file, loaded: s.file !== null, error: ctx.store.lastError?.problems ?? null },
    // Names only, never values: which configured models this process cannot use, and why.
    unusable: status.filter((x) => !x.k.usable).map((x) => ({ slug: x.m.slug, reason: x.k.reason, ...(x.k.env ? { env: x.k.env } : {}) })),
    routes: {
      chat_completions: kinds.has("chat"),
      anthropic: kinds.has("anthropic"),
      chatgpt_passthrough: chatgptSlugs.length > 0,
      cursor_passthrough: cursor,
      auto_router: router?.active ?? false,
    },
    // slugs and reasons only: never a key
    router: router
      ? {
          slug: router.settings.slug,
          enabled: router.settings.enabled,
          active: router.active,
          classifier: router.settings.classifier,
          candidates: router.usable.map((c) => c.slug),
          unusable: router.unusable,
          cooling_down: ctx.router?.coolingDown() ?? [],
          cached_decisions: ctx.router?.cache.size ?? 0,
        }
      : null,
    hint: usable.length || chatgptSlugs.length || cursor ? undefined : `No usable models. Add one to ${ctx.store.file} (see README "Settings"), then it is picked up without a restart.`,
  };
}
