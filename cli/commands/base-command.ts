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
    description: `Port of the shim on 127.0.0.1 (default: $CODEX_SHIM_PORT, else the running shim's port, else the one the enabled Codex config uses, else ${DEFAULT_PORT})`,
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
      this.err(`codex-shim: ${describeUnexpected(e)}`);
      if (process.env.CODEX_SHIM_DEBUG) this.err(String((e as Error)?.stack ?? e));
      return 1;
    }
  }
}

/** An error no command turned into a CliError: one line, no stack trace (CODEX_SHIM_DEBUG=1 shows it). */
function describeUnexpected(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { path?: string; spawnargs?: string[] };
  if (typeof err?.syscall === "string" && err.syscall.startsWith("spawn"))
    return `could not run ${err.path ?? "a program"}: ${err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied (not executable?)" : (err.code ?? err.message)}.`;
  return `unexpected error: ${err?.message ?? String(e)}. Run again with CODEX_SHIM_DEBUG=1 for the stack trace, and please report it.`;
}
