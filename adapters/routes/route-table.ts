import type { Provider } from "../settings/settings-types.ts";
import type { SlugResolver, UpstreamRoute } from "./upstream-route.ts";
import { chatRoute } from "../chat/chat-route.ts";
import { anthropicRoute } from "../anthropic/anthropic-route.ts";
import { messagesAnthropicRoute, messagesChatRoute } from "../messages/messages-routes.ts";
import { openaiResponsesRoute } from "../openai-responses/openai-responses-route.ts";
import { resolveChatgptSlug } from "../chatgpt/resolve-chatgpt-slug.ts";
import { resolveCursorSlug } from "../cursor/resolve-cursor-slug.ts";

/**
 * Which route serves which endpoint, for every way a model can be reached. Read top to bottom:
 * a request's slug is first offered to the slug passthroughs (in this order), then looked up in
 * the settings rows, whose provider picks the route for the endpoint. No route for an endpoint =
 * HTTP 502 `unsupported_provider`.
 */

/** The client-facing endpoints that run upstream calls. */
export type Endpoint = "responses" | "messages";

export interface SlugPassthrough {
  /** For docs and logs. */
  name: string;
  resolve: SlugResolver;
  /** The passthroughs speak only the Responses API. */
  endpoints: readonly Endpoint[];
}

/** Slugs served without a settings row. Checked before the settings rows. */
export const SLUG_PASSTHROUGHS: readonly SlugPassthrough[] = [
  // gpt-5.5, cached ChatGPT slugs, openai-gpt-* → chatgpt.com Codex /responses with the Codex login
  { name: "ChatGPT subscription", resolve: resolveChatgptSlug, endpoints: ["responses"] },
  // composer-2-5 → a local cursor-agent subprocess with its own login
  { name: "Cursor cursor-agent", resolve: resolveCursorSlug, endpoints: ["responses"] },
];

/** The route per endpoint for one provider; a missing endpoint is not served for it. */
export type ProviderRoutes = { readonly [E in Endpoint]?: UpstreamRoute } & { readonly responses: UpstreamRoute };

/**
 * Settings rows: provider × endpoint → route. `ollama` in models.json is an alias of
 * `generic-chat-completion-api` (adapters/settings/parse-settings.ts), so it has no row here.
 * A new provider is one more row (the Record type makes a missing row a type error).
 */
export const PROVIDER_ROUTES: Readonly<Record<Provider, ProviderRoutes>> = {
  // {base}/chat/completions, translated both ways
  openai: { responses: chatRoute, messages: messagesChatRoute },
  "generic-chat-completion-api": { responses: chatRoute, messages: messagesChatRoute },
  // {base}/messages: translated for /v1/responses, relayed as it is for /v1/messages
  anthropic: { responses: anthropicRoute, messages: messagesAnthropicRoute },
  // {base}/responses: passed through, sanitized; relayed back with only what must change
  "openai-responses": { responses: openaiResponsesRoute },
};

export function routeFor(endpoint: Endpoint, provider: Provider): UpstreamRoute | undefined {
  return PROVIDER_ROUTES[provider]?.[endpoint];
}
