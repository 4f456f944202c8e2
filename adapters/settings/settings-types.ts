export type Provider = "openai" | "generic-chat-completion-api" | "anthropic" | "openai-responses";

export const PROVIDERS: readonly Provider[] = ["openai", "generic-chat-completion-api", "anthropic", "openai-responses"];

export interface ModelTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** From request sent to response headers (reasoning models can think for minutes first). */
  headersMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
}

/** One usable-or-not model row after normalization (reference-behavior §3). */
export interface ModelConfig {
  slug: string;
  model: string;
  provider: Provider;
  baseUrl: string;
  displayName: string;
  /** Literal key (may be `${VAR}`); resolved at request time, never logged. */
  apiKey?: string;
  apiKeyEnv?: string;
  maxContextLimit?: number;
  maxOutputTokens?: number;
  noImageSupport: boolean;
  extraHeaders: Record<string, string>;
  index: number;
  timeouts: ModelTimeouts;
  /** Anthropic prompt-caching breakpoints; undefined = default for the host. */
  promptCaching?: boolean;
  /** false disables reasoning/thinking parameters for this model. */
  reasoning?: boolean;
  /** Default reasoning effort advertised in the catalog. */
  defaultReasoningEffort?: string;
  description?: string;
  /** Native Responses upstreams (provider `openai-responses`): see adapters/openai-responses/native-responses-policy.ts. */
  stateless?: boolean;
  customTools?: boolean;
  hostedTools?: boolean;
}

/** `response_store` in models.json: the SQLite store of `store: true` responses (docs/responses-api.md). */
export interface ResponseStoreSettings {
  /** false: nothing is written; `store: true` answers say `store: false`. */
  enabled: boolean;
  /** Total size of the stored JSON; the oldest responses are deleted beyond it. */
  maxMegabytes: number;
  /** Responses older than this are deleted (and never returned). */
  maxAgeDays: number;
}

export const DEFAULT_RESPONSE_STORE: Readonly<ResponseStoreSettings> = { enabled: true, maxMegabytes: 256, maxAgeDays: 30 };

export interface Settings {
  /** The file these came from, or null for built-in defaults (no file). */
  file: string | null;
  /** With no file: the path that was looked for (where the user should create it). */
  missingFile?: string;
  models: ModelConfig[];
  /** The `router` block (auto-router), when the file has one. */
  router?: RouterSettings;
  /** Absent = DEFAULT_RESPONSE_STORE. */
  responseStore?: ResponseStoreSettings;
  /** WebSocket mode on /v1/responses and `supports_websockets` in Codex's config; default on. */
  websockets?: boolean;
  /** The flow inspector (`/debug`): `capture` keeps prompt text for the translation diff. */
  debug?: { capture?: boolean };
}

/** One model the auto-router may pick (reference-behavior §8.1). */
export interface RouterCandidate {
  slug: string;
  /** Relative price; only the selection sees it, never the classifier. */
  cost: number;
  /** What the model is good at, shown to the classifier. */
  card: string;
  supportsImages: boolean;
}

/** The `router` block after validation; env overrides are applied at use (adapters/router/router-config.ts). */
export interface RouterSettings {
  enabled: boolean;
  /** The virtual model Codex asks for (default `codex-auto`). */
  slug: string;
  displayName: string;
  /** A configured model (slug or model name), `"heuristic"`, or null (no scoring: the fallback). */
  classifier: string | null;
  threshold: number;
  /** The fallback candidate; else the cheapest. */
  default: string | null;
  cache: boolean;
  timeoutMs: number;
  maxTokens: number;
  candidates: RouterCandidate[];
}

export const DEFAULT_TIMEOUTS: ModelTimeouts = {
  connectMs: 10_000,
  headersMs: 600_000,
  idleMs: 300_000,
};
