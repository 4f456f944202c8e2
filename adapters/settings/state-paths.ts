import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The shim's state directory: `$CODEX_SHIM_HOME`, else `~/.codex-shim`. Never the package directory. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const h = env.CODEX_SHIM_HOME?.trim();
  return h ? resolve(expandHome(h, env)) : join(homeOf(env), ".codex-shim");
}

export function defaultSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), "models.json");
}

/** Codex's home: `$CODEX_HOME`, else `~/.codex`. */
export function codexHome(env: NodeJS.ProcessEnv = process.env): string {
  const h = env.CODEX_HOME?.trim();
  return h ? resolve(expandHome(h, env)) : join(homeOf(env), ".codex");
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME?.trim() || homedir();
}

export function expandHome(p: string, env: NodeJS.ProcessEnv = process.env): string {
  return p === "~" ? homeOf(env) : p.startsWith("~/") ? join(homeOf(env), p.slice(2)) : p;
}
