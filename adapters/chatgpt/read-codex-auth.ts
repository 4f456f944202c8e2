import { join } from "node:path";
import { codexHome } from "../settings/state-paths.ts";
import { StatCachedFile, type FileRead } from "./stat-cached-file.ts";

export type CodexAuth = { ok: true; accessToken: string; accountId?: string } | { ok: false; reason: string };

function parseCodexAuth(read: FileRead, file: string): CodexAuth {
  if (!read.ok) return { ok: false, reason: read.missing ? `${file} not found` : `${file} is not readable` };
  let j: unknown;
  try {
    j = JSON.parse(read.text);
  } catch {
    return { ok: false, reason: `${file} is not valid JSON` };
  }
  const tokens = (j as { tokens?: { access_token?: unknown; account_id?: unknown } } | null)?.tokens;
  const token = typeof tokens?.access_token === "string" ? tokens.access_token.trim() : "";
  if (!token) return { ok: false, reason: `${file} has no tokens.access_token` };
  const account = typeof tokens?.account_id === "string" ? tokens.account_id.trim() : "";
  return account ? { ok: true, accessToken: token, accountId: account } : { ok: true, accessToken: token };
}

const authFile = new StatCachedFile(parseCodexAuth);

/**
 * Codex's ChatGPT login (`$CODEX_HOME/auth.json`, written by `codex login`), checked at request
 * time so a fresh login takes effect without a restart; parsed again only when the file changed.
 * The reason never contains the token.
 */
export function readCodexAuth(env: NodeJS.ProcessEnv): CodexAuth {
  return authFile.get(join(codexHome(env), "auth.json"));
}
