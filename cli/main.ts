import { Builtins, Cli } from "clipanion";
import { VERSION } from "../server/start-server.ts";
import { colorsWanted, commandWords, dropGlobalOptions, GLOBAL_OPTIONS_NOTE, nameOptionValues, preParse, type CommandInfo } from "./shared/cli-help.ts";

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

type CommandClass = (typeof import("./commands/all-commands.ts").COMMANDS)[number];

export function makeCli(commands: readonly CommandClass[], env: NodeJS.ProcessEnv = process.env): Cli {
  const cli = new ShimCli({ binaryName: "codex-shim", binaryLabel: "codex-shim", binaryVersion: VERSION, enableColors: colorsWanted(process.stdout, env) });
  for (const c of commands) cli.register(c);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

/**
 * The commands argv can need: for `serve` (the daemon, `npm start`) only ServeCommand, so the
 * long-running server does not hold every other command's modules (measured −3.5 MiB RSS,
 * docs/performance.md); anything else gets them all.
 */
export async function commandsFor(argv: string[]): Promise<readonly CommandClass[]> {
  const w = commandWords(argv);
  if (w[0] === "serve" && w.length === 1) return [(await import("./commands/serve-command.ts")).ServeCommand];
  return (await import("./commands/all-commands.ts")).COMMANDS;
}

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const commands = await commandsFor(argv);
  const info: CommandInfo[] = commands.flatMap((c) => (c.paths ?? []).map((path) => ({ path, description: c.usage?.description ?? "" })));
  const early = commands.length > 1 ? preParse(argv, info) : null;
  if (early) {
    (early.code ? process.stderr : process.stdout).write(early.text);
    return early.code;
  }
  // `codex-shim list | head` closes the pipe early: not an error
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
  });
  return makeCli(commands).run(argv, Cli.defaultContext);
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
