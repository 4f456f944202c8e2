import { Builtins, Cli } from "clipanion";
import { ServeCommand } from "./commands/serve-command.ts";
import { OpencodeGoRefreshCommand } from "./commands/opencode-go-refresh-command.ts";
import { VERSION } from "../server/start-server.ts";

export function makeCli(): Cli {
  const cli = new Cli({ binaryName: "codex-shim", binaryLabel: "codex-shim", binaryVersion: VERSION });
  cli.register(ServeCommand);
  cli.register(OpencodeGoRefreshCommand);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

/** Runs the CLI and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  return makeCli().run(argv, Cli.defaultContext);
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2));
}
