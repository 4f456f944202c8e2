import type { ModelConfig } from "./settings-types.ts";

/**
 * The model's API key, resolved at request time so that a changed environment or file takes
 * effect without a restart. Unlike the original, a keyless row never inherits another
 * product's key (reference-behavior §12.2).
 */
export function resolveApiKey(m: Pick<ModelConfig, "apiKey" | "apiKeyEnv">, env: NodeJS.ProcessEnv = process.env): string {
  if (m.apiKeyEnv) {
    const v = env[m.apiKeyEnv];
    if (v !== undefined && v.trim() !== "") return v.trim();
    return expand(m.apiKey ?? "", env);
  }
  return expand(m.apiKey ?? "", env);
}

function expand(literal: string, env: NodeJS.ProcessEnv): string {
  const t = literal.trim();
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(t);
  if (m) return (env[m[1]] ?? "").trim();
  return t;
}

/** Local servers (Ollama, LM Studio, llama.cpp) need no key. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return h === "localhost" || h === "::1" || /^127\./.test(h);
  } catch {
    return false;
  }
}

export interface KeyStatus {
  usable: boolean;
  key: string;
  /** Why the model is not usable, without revealing any secret. */
  reason?: string;
  /** The environment variable the key is read from (`api_key_env`, or `${VAR}` in `api_key`), if any. */
  env?: string;
}

/** The environment variable a row takes its key from, if any (a name, never a value). */
function keyEnvName(m: Pick<ModelConfig, "apiKey" | "apiKeyEnv">): string | undefined {
  if (m.apiKeyEnv) return m.apiKeyEnv;
  return /^\s*\$\{([A-Za-z_][A-Za-z0-9_]*)\}\s*$/.exec(m.apiKey ?? "")?.[1];
}

export function keyStatus(m: ModelConfig, env: NodeJS.ProcessEnv = process.env): KeyStatus {
  const key = resolveApiKey(m, env);
  const name = keyEnvName(m);
  const withEnv = name ? { env: name } : {};
  if (key) return { usable: true, key, ...withEnv };
  if (isLoopbackUrl(m.baseUrl)) return { usable: true, key: "", ...withEnv };
  const reason = name
    ? `Model ${m.slug} has no API key: ${name} is not set. Set ${name} or add api_key/apiKey for this model.`
    : `Model ${m.slug} has no API key. Add api_key/apiKey or api_key_env/apiKeyEnv for this model.`;
  return { usable: false, key: "", reason, ...withEnv };
}
