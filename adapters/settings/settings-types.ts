export type Provider = "openai" | "generic-chat-completion-api" | "anthropic";

export const PROVIDERS: readonly Provider[] = ["openai", "generic-chat-completion-api", "anthropic"];

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
}

export interface Settings {
  /** The file these came from, or null for built-in defaults (no file). */
  file: string | null;
  models: ModelConfig[];
  router?: Record<string, unknown>;
  /** The flow inspector (`/debug`): `capture` keeps prompt text for the translation diff. */
  debug?: { capture?: boolean };
}

export const DEFAULT_TIMEOUTS: ModelTimeouts = {
  connectMs: 10_000,
  headersMs: 600_000,
  idleMs: 300_000,
};
