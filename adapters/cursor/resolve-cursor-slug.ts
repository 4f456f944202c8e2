import type { SlugRoute } from "../routes/upstream-route.ts";
import type { Settings } from "../settings/settings-types.ts";
import { passthroughModelConfig } from "../routes/passthrough-model-config.ts";
import { CURSOR_DISPLAY_NAME, CURSOR_SLUG, CURSOR_UPSTREAM_MODEL, cursorBin, cursorDisabled, isCursorSlug } from "./cursor-env.ts";
import { cursorRoute } from "./cursor-route.ts";

/** `composer-2-5` / `composer-2.5` → cursor-agent (the login is checked when the agent is started). */
export function resolveCursorSlug(slug: string, _settings: Settings, env: NodeJS.ProcessEnv): SlugRoute | undefined {
  if (cursorDisabled(env) || !isCursorSlug(slug)) return undefined;
  return {
    model: passthroughModelConfig({ slug: CURSOR_SLUG, model: CURSOR_UPSTREAM_MODEL, displayName: CURSOR_DISPLAY_NAME, baseUrl: `cursor-agent:${cursorBin(env)}` }),
    route: cursorRoute(env),
    apiKey: "",
  };
}
