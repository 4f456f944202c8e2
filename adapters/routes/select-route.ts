import type { ModelConfig } from "../settings/settings-types.ts";
import type { UpstreamRoute } from "./upstream-route.ts";
import { chatRoute } from "../chat/chat-route.ts";

const byProvider: Partial<Record<ModelConfig["provider"], UpstreamRoute>> = {
  openai: chatRoute,
  "generic-chat-completion-api": chatRoute,
};

/** Registers the route serving a provider (the Anthropic adapter registers itself here). */
export function registerRoute(provider: ModelConfig["provider"], route: UpstreamRoute): void {
  byProvider[provider] = route;
}

export function routeForModel(m: ModelConfig): UpstreamRoute | undefined {
  return byProvider[m.provider];
}
