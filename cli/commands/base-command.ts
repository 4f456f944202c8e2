import { Command, Option } from "clipanion";
import * as t from "typanion";
import { defaultSettingsPath, expandHome } from "../../adapters/settings/state-paths.ts";
import { DEFAULT_PORT } from "../../server/start-server.ts";
import { CliError } from "../shared/cli-error.ts";
import { cliOptions, type CliOptions } from "../shared/cli-options.ts";

/** Options every command accepts (clipanion has no global options; they live here). */
export abstract class BaseCommand extends Command {
  settings = Option.String("--settings", { description: "Settings file (default: ~/.codex-shim/models.json, or $CODEX_SHIM_HOME/models.json)" });
  port = Option.String("--port", {
    description: `Port of the shim on 127.0.0.1 (default ${DEFAULT_PORT}, or $CODEX_SHIM_PORT)`,
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, 65535)]),
  });

  get settingsFile(): { file: string; required: boolean } {
    return this.settings ? { file: expandHome(this.settings), required: true } : { file: defaultSettingsPath(), required: false };
  }

  get portNumber(): number {
    return (this.port as number | undefined) ?? (Number(process.env.CODEX_SHIM_PORT) || DEFAULT_PORT);
  }

  get options(): CliOptions {
    return cliOptions({ env: process.env, settings: this.settingsFile, port: this.portNumber, portExplicit: this.port !== undefined || !!Number(process.env.CODEX_SHIM_PORT) });
  }

  out(line: string): void {
    this.context.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.context.stderr.write(`${line}\n`);
  }
}

/** A command whose failures are CliErrors: printed as `codex-shim: <message>`, no stack trace. */
export abstract class ShimCommand extends BaseCommand {
  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (e) {
      if (e instanceof CliError) {
        this.err(`codex-shim: ${e.message}`);
        return e.exitCode;
      }
      throw e;
    }
  }
}
