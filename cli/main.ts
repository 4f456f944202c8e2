import { Builtins, Cli } from "clipanion";
import { VERSION } from "../server/start-server.ts";
import { ServeCommand } from "./commands/serve-command.ts";
import { GenerateCommand } from "./commands/generate-command.ts";
import { ListCommand } from "./commands/list-command.ts";
import { StartCommand, StopCommand, RestartCommand, StatusCommand } from "./commands/daemon-commands.ts";
import { EnableCommand, DisableCommand, ModelUseCommand } from "./commands/config-commands.ts";
import { CodexCommand } from "./commands/codex-command.ts";
import { AppCommand } from "./commands/app-command.ts";
import { DoctorCommand } from "./commands/doctor-command.ts";
import { OpencodeGoRefreshCommand } from "./commands/opencode-go-refresh-command.ts";
import { PickerCommand } from "./commands/picker-command.ts";
import { PatchAppCommand, RestoreAppCommand } from "./commands/desktop-patch-commands.ts";
import { RouterDemoCommand } from "./commands/router-demo-command.ts";
import { colorsWanted, dropGlobalOptions, GLOBAL_OPTIONS_NOTE, nameOptionValues, preParse, type CommandInfo } from "./shared/cli-help.ts";

/** Every command, in help order. Add a new command here (one import, one entry). */
const COMMANDS = [
  ServeCommand,
  GenerateCommand,
  ListCommand,
  StartCommand,
  StopCommand,
  RestartCommand,
  StatusCommand,
  EnableCommand,
  DisableCommand,
  ModelUseCommand,
  CodexCommand,
  AppCommand,
  PickerCommand,
  PatchAppCommand,
  RestoreAppCommand,
  DoctorCommand,
  OpencodeGoRefreshCommand,
  RouterDemoCommand,
];

/** clipanion's Cli with named option values and the global options said once. */
class ShimCli extends Cli {
  override usage(command: Parameters<Cli["usage"]>[0] = null, opts?: Parameters<Cli["usage"]>[1]): string {
    const text = super.usage(command, opts);
    return command === null ? `${dropGlobalOptions(text)}\n${GLOBAL_OPTIONS_NOTE}\n` : text;
  }

  // clipanion prints what this returns on stdout; an error belongs on stderr. Syntax errors quote
  // usage lines clipanion's parser built itself, so they are renamed here too.
  override error(error: unknown, opts?: Parameters<Cli["error"]>[1]): string {
    process.stderr.write(nameOptionValues(super.error(error as Error, opts)));
    return "";
  }

  // Renamed here, before clipanion pads the options table.
  protected override getUsageByIndex(n: number, opts?: Parameters<Cli["getUsageByIndex"]>[1]) {
    const u = super.getUsageByIndex(n, opts);
    return { ...u, usage: nameOptionValues(u.usage), options: u.options.map((o) => ({ ...o, definition: nameOptionValues(o.definition) })) };
  }
}

export function makeCli(env: NodeJS.ProcessEnv = process.env): Cli {
  const cli = new ShimCli({ binaryName: "codex-shim", binaryLabel: "codex-shim", binaryVersion: VERSION, enableColors: colorsWanted(process.stdout, env) });
  for (const c of COMMANDS) cli.register(c);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

const COMMAND_INFO: CommandInfo[] = COMMANDS.flatMap((c) => (c.paths ?? []).map((path) => ({ path, description: c.usage?.description ?? "" })));

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const early = preParse(argv, COMMAND_INFO);
  if (early) {
    (early.code ? process.stderr : process.stdout).write(early.text);
    return early.code;
  }
  // `codex-shim list | head` closes the pipe early: not an error
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
  });
  return makeCli().run(argv, Cli.defaultContext);
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
