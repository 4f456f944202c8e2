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
import { RouterDemoCommand } from "./commands/router-demo-command.ts";
import { nearest } from "../adapters/settings/nearest-word.ts";

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
  DoctorCommand,
  OpencodeGoRefreshCommand,
  RouterDemoCommand,
];

export function makeCli(): Cli {
  const cli = new Cli({ binaryName: "codex-shim", binaryLabel: "codex-shim", binaryVersion: VERSION });
  for (const c of COMMANDS) cli.register(c);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

const OPTIONS_WITH_VALUE = new Set(["--settings", "--port"]);

/** The first word that is not a global option, if it names no command: "did you mean …". */
function unknownCommand(argv: string[]): string | null {
  const words = new Set(COMMANDS.flatMap((c) => c.paths?.map((p) => p[0]) ?? []));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) return null;
    if (words.has(a)) return null;
    const near = nearest(a, [...words]);
    return `codex-shim: unknown command '${a}'.${near ? ` Did you mean '${near}'?` : ""}
Commands: ${[...words].join(", ")}. Help: codex-shim --help, or codex-shim <command> --help
`;
  }
  return null;
}

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const unknown = unknownCommand(argv);
  if (unknown) {
    process.stderr.write(unknown);
    return 1;
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
