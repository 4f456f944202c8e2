import { isTruthyEnv } from "../settings/env-flags.ts";

export const DEFAULT_CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/codex";

/** `$CODEX_SHIM_CHATGPT_BASE_URL` (tests point it at a loopback server), without a trailing slash. */
export function chatgptBaseUrl(env: NodeJS.ProcessEnv): string {
  const v = env.CODEX_SHIM_CHATGPT_BASE_URL?.trim();
  return (v || DEFAULT_CHATGPT_BASE_URL).replace(/\/+$/, "");
}

export function chatgptDisabled(env: NodeJS.ProcessEnv): boolean {
  return isTruthyEnv(env.CODEX_SHIM_DISABLE_CHATGPT);
}
