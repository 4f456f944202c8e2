import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codexHome, stateDir } from "../settings/state-paths.ts";
import { readManagedState } from "./managed-config.ts";

/** `$CODEX_HOME/config.toml`, the file every edit goes to. */
export function codexConfigFile(env: NodeJS.ProcessEnv): string {
  return join(codexHome(env), "config.toml");
}

/** Where each edit's backup of config.toml goes. */
export function configBackupDir(env: NodeJS.ProcessEnv): string {
  return join(stateDir(env), "backups");
}

/** The model the managed block of config.toml selects (not any `model =` line: the original's bug). */
export function managedModelIn(file: string): string | undefined {
  try {
    return readManagedState(readFileSync(file, "utf8")).model;
  } catch {
    return undefined;
  }
}
