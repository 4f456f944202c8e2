import { stateDir, codexHome } from "../../adapters/settings/state-paths.ts";
import { codexConfigFile, configBackupDir } from "../../adapters/codex-config/config-paths.ts";

/** What every command needs to find its files and the daemon. */
export interface CliOptions {
  env: NodeJS.ProcessEnv;
  settings: { file: string; required: boolean };
  /** The port to use when starting; an explicit --port also wins over daemon.json when probing. */
  port: number;
  portExplicit: boolean;
  stateDir: string;
  codexHome: string;
  codexConfigFile: string;
  backupDir: string;
}

export function cliOptions(o: { env: NodeJS.ProcessEnv; settings: { file: string; required: boolean }; port: number; portExplicit: boolean }): CliOptions {
  const dir = stateDir(o.env);
  const ch = codexHome(o.env);
  return { ...o, stateDir: dir, codexHome: ch, codexConfigFile: codexConfigFile(o.env), backupDir: configBackupDir(o.env) };
}
