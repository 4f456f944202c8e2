import type { ShimError } from "../errors/shim-error.ts";
import type { SlugRoute } from "../routes/upstream-route.ts";
import type { Settings } from "../settings/settings-types.ts";
import { findModel } from "../settings/settings-store.ts";
import { chatgptUpstreamModel } from "./chatgpt-slugs.ts";
import { chatgptBaseUrl, chatgptDisabled } from "./chatgpt-env.ts";
import { readCodexAuth } from "./read-codex-auth.ts";
import { chatgptLoginRequired, chatgptPassthroughRoute } from "./chatgpt-passthrough-route.ts";
import { passthroughModelConfig } from "../routes/passthrough-model-config.ts";

/**
 * `gpt-5.5` (and cached ChatGPT slugs, `openai-gpt-*` aliases) → the ChatGPT passthrough while
 * logged in. Without a login a settings row with that slug still serves it; otherwise the
 * request gets the `codex login` hint instead of a bare 404.
 */
export function resolveChatgptSlug(slug: string, settings: Settings, env: NodeJS.ProcessEnv): SlugRoute | ShimError | undefined {
  if (chatgptDisabled(env)) return undefined;
  const upstream = chatgptUpstreamModel(slug, env);
  if (!upstream) return undefined;
  const auth = readCodexAuth(env);
  if (!auth.ok) return findModel(settings, slug) ? undefined : chatgptLoginRequired(slug, auth.reason);
  return {
    model: passthroughModelConfig({ slug, model: upstream, displayName: upstream.toUpperCase().replace(/^GPT/, "GPT"), baseUrl: chatgptBaseUrl(env) }),
    route: chatgptPassthroughRoute(env),
    apiKey: auth.accessToken,
  };
}
