import { chatgptDisabled } from "./chatgpt-env.ts";
import { readCodexAuth } from "./read-codex-auth.ts";
import { chatgptSlugs } from "./chatgpt-slugs.ts";

/** Not disabled and `$CODEX_HOME/auth.json` has an access token (checked on every call; the file is re-parsed only when it changed). */
export function chatgptAvailable(env: NodeJS.ProcessEnv): boolean {
  return !chatgptDisabled(env) && readCodexAuth(env).ok;
}

/** The slugs to advertise right now (empty when unavailable). */
export function availableChatgptSlugs(env: NodeJS.ProcessEnv): readonly string[] {
  return chatgptAvailable(env) ? chatgptSlugs(env) : [];
}
