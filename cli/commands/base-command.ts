import { Command, Option } from "clipanion";
import * as t from "typanion";
import { defaultSettingsPath, expandHome } from "../../adapters/settings/state-paths.ts";
import { DEFAULT_PORT } from "../../server/start-server.ts";

/** Options every command accepts (clipanion has no global options; they live here). */
export abstract class BaseCommand extends Command {
  settings = Option.String("--settings", { description: "Settings file (default: ~/.codex-shim/models.json, or $CODEX_SHIM_HOME/models.json)" });
  port = Option.String("--port", {
    description: `Port of the shim on 127.0.0.1 (default ${DEFAULT_PORT})`,
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 65535)]),
  });

  get settingsFile(): { file: string; required: boolean } {
    return this.settings ? { file: expandHome(this.settings), required: true } : { file: defaultSettingsPath(), required: false };
  }

  get portNumber(): number {
    return (this.port as number | undefined) ?? (Number(process.env.CODEX_SHIM_PORT) || DEFAULT_PORT);
  }
}
