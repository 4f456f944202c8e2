import { fsConfigDeps, planConfigEdit, type ConfigAction, type ConfigResult } from "../../machines/config.machine.ts";
import { runConfigEdit } from "../../machines/run-config-edit.ts";
import type { CliOptions } from "./cli-options.ts";
import { CliError } from "./cli-error.ts";

/** Runs the config machine on $CODEX_HOME/config.toml; a failure becomes a CliError. */
export async function editCodexConfig(o: CliOptions, action: ConfigAction): Promise<ConfigResult> {
  const r = await runConfigEdit(o.codexConfigFile, action, o.backupDir);
  if (r.failure) throw new CliError(r.failure);
  return r;
}

/**
 * Plans an edit without writing anything, so that a config.toml the edit would refuse (does not
 * parse, damaged block) is reported before `enable` starts a daemon for nothing.
 */
export async function checkCodexConfigEdit(o: CliOptions, action: ConfigAction): Promise<void> {
  try {
    planConfigEdit(await fsConfigDeps(o.backupDir).read(o.codexConfigFile), action, o.codexConfigFile);
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${o.codexConfigFile} was not changed, and the shim was not started.`);
  }
}
