import { delimiter, dirname } from "node:path";
import { isTruthyEnv } from "../settings/env-flags.ts";

export const CURSOR_SLUG = "composer-2-5";
export const CURSOR_SLUG_ALIAS = "composer-2.5";
export const CURSOR_UPSTREAM_MODEL = "composer-2.5";
export const CURSOR_DISPLAY_NAME = "Composer 2.5";

export function isCursorSlug(slug: string): boolean {
  return slug === CURSOR_SLUG || slug === CURSOR_SLUG_ALIAS;
}

export function cursorDisabled(env: NodeJS.ProcessEnv): boolean {
  return isTruthyEnv(env.CODEX_SHIM_DISABLE_CURSOR);
}

/** `$CURSOR_AGENT_BIN`, else `cursor-agent` looked up on PATH by the spawn. */
export function cursorBin(env: NodeJS.ProcessEnv): string {
  return env.CURSOR_AGENT_BIN?.trim() || "cursor-agent";
}

/**
 * The child's environment: the shim's, minus `CURSOR_API_KEY` (cursor-agent must use the user's
 * login, not a key meant for something else), with `$CURSOR_AGENT_BIN`'s directory first on PATH.
 */
export function cursorSpawnEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  delete out.CURSOR_API_KEY;
  const bin = env.CURSOR_AGENT_BIN?.trim();
  if (bin) out.PATH = [dirname(bin), env.PATH ?? ""].filter(Boolean).join(delimiter);
  return out;
}

/** Flags that skip cursor-agent's own safety prompts are opt-in (the original always passed them). */
export function cursorExtraFlags(env: NodeJS.ProcessEnv): string[] {
  const flags: string[] = [];
  if (isTruthyEnv(env.CODEX_SHIM_CURSOR_FORCE)) flags.push("--force");
  if (isTruthyEnv(env.CODEX_SHIM_CURSOR_TRUST)) flags.push("--trust");
  return flags;
}
