import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codexHome } from "../settings/state-paths.ts";

export type CodexAuth = { ok: true; accessToken: string; accountId?: string } | { ok: false; reason: string };

/**
 * Codex's ChatGPT login (`$CODEX_HOME/auth.json`, written by `codex login`), read at request
 * time so a fresh login takes effect without a restart. The reason never contains the token.
 */
export function readCodexAuth(env: NodeJS.ProcessEnv): CodexAuth {
  const file = join(codexHome(env), "auth.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { ok: false, reason: `${file} not found` };
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${file} is not valid JSON` };
  }
  const tokens = (j as { tokens?: { access_token?: unknown; account_id?: unknown } } | null)?.tokens;
  const token = typeof tokens?.access_token === "string" ? tokens.access_token.trim() : "";
  if (!token) return { ok: false, reason: `${file} has no tokens.access_token` };
  const account = typeof tokens?.account_id === "string" ? tokens.account_id.trim() : "";
  return account ? { ok: true, accessToken: token, accountId: account } : { ok: true, accessToken: token };
}
