import { DEFAULT_TIMEOUTS, type ModelConfig } from "../settings/settings-types.ts";

/** A ModelConfig for a slug served without a settings row (used for logs and the conversation cache). */
export function passthroughModelConfig(o: { slug: string; model: string; displayName: string; baseUrl: string }): ModelConfig {
  return {
    slug: o.slug,
    model: o.model,
    provider: "openai",
    baseUrl: o.baseUrl,
    displayName: o.displayName,
    noImageSupport: false,
    extraHeaders: {},
    index: 0,
    timeouts: { ...DEFAULT_TIMEOUTS },
  };
}
