import type { ModelConfig, Settings } from "../settings/settings-types.ts";
import type { UpstreamRoute } from "./upstream-route.ts";
import type { ShimError } from "../errors/shim-error.ts";
import { chatRoute } from "../chat/chat-route.ts";
import { anthropicRoute } from "../anthropic/anthropic-route.ts";
import { resolveChatgptSlug } from "../chatgpt/resolve-chatgpt-slug.ts";
import { resolveCursorSlug } from "../cursor/resolve-cursor-slug.ts";

const byProvider: Partial<Record<ModelConfig["provider"], UpstreamRoute>> = {
  openai: chatRoute,
  "generic-chat-completion-api": chatRoute,
  anthropic: anthropicRoute,
};

/** Registers the route serving a provider (the Anthropic adapter registers itself here). */
export function registerRoute(provider: ModelConfig["provider"], route: UpstreamRoute): void {
  byProvider[provider] = route;
}

export function routeForModel(m: ModelConfig): UpstreamRoute | undefined {
  return byProvider[m.provider];
}

/** A model reached by its slug alone, without a settings row (the subscription passthroughs). */
export interface SlugRoute {
  model: ModelConfig;
  route: UpstreamRoute;
  /** Credential for the upstream (scrubbed from error messages); empty when there is none. */
  apiKey: string;
}

/** undefined = not this resolver's slug; a ShimError = its slug, but it cannot be served. */
export type SlugResolver = (slug: string, settings: Settings, env: NodeJS.ProcessEnv) => SlugRoute | ShimError | undefined;

const slugResolvers: SlugResolver[] = [resolveChatgptSlug, resolveCursorSlug];

/** Checked before the settings rows, for `/v1/responses`. */
export function resolveSlugRoute(slug: string, settings: Settings, env: NodeJS.ProcessEnv): SlugRoute | ShimError | undefined {
  for (const r of slugResolvers) {
    const hit = r(slug, settings, env);
    if (hit) return hit;
  }
  return undefined;
}
