import { createActor, toPromise } from "xstate";
import { configMachine, fsConfigDeps, planConfigEdit, type ConfigAction, type ConfigResult } from "../../machines/config.machine.ts";
import type { CliOptions } from "./cli-options.ts";
import { CliError } from "./cli-error.ts";

/** Runs the config machine on $CODEX_HOME/config.toml; a failure becomes a CliError. */
export async function editCodexConfig(o: CliOptions, action: ConfigAction): Promise<ConfigResult> {
  const actor = createActor(configMachine, { input: { file: o.codexConfigFile, action, deps: fsConfigDeps(o.backupDir) } });
  actor.start();
  const r = await toPromise(actor);
  if (!r.ok) throw new CliError(`${r.error}${r.stage === "writing" || r.stage === "confirming" ? `\n${o.codexConfigFile} was not changed${r.backup ? `; a backup is at ${r.backup}` : ""}.` : ""}`);
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
