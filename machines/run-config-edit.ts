import { createActor, toPromise } from "xstate";
import { configMachine, fsConfigDeps, type ConfigAction, type ConfigResult } from "./config.machine.ts";

/**
 * One edit of config.toml through the config machine (verified, backed up, atomic), for the CLI
 * (`enable`, `model use`, `disable`) and the picker alike. A failure's message says whether the
 * file was left unchanged and where its backup is.
 */
export async function runConfigEdit(file: string, action: ConfigAction, backupDir: string): Promise<ConfigResult & { failure?: string }> {
  const actor = createActor(configMachine, { input: { file, action, deps: fsConfigDeps(backupDir) } });
  actor.start();
  const r = await toPromise(actor);
  if (r.ok) return r;
  const untouched = r.stage === "writing" || r.stage === "confirming" ? `\n${file} was not changed${r.backup ? `; a backup is at ${r.backup}` : ""}.` : "";
  return { ...r, failure: `${r.error}${untouched}` };
}
