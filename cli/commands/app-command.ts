import { Command, Option } from "clipanion";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { ShimCommand } from "./base-command.ts";
import { enableShim } from "./config-commands.ts";
import { findCodex } from "../shared/find-executable.ts";
import { withLoopbackNoProxy } from "../shared/no-proxy.ts";

export class AppCommand extends ShimCommand {
  static paths = [["app"]];
  static usage = Command.Usage({
    description: "Enable the shim and open Codex Desktop on a folder (macOS, Windows)",
    details: "Does what `enable` does, then runs `codex app <path>` (or `open -a Codex` on macOS when the CLI is missing). On Linux, where Codex Desktop does not exist, it enables the shim and tells you how to use the CLI.",
    examples: [
      ["Open the current folder", "codex-shim app"],
      ["Pick a model and a folder", "codex-shim app -m claude-sonnet ~/src/project"],
    ],
  });
  model = Option.String("-m,--model", { description: "Model slug to select" });
  folder = Option.String({ name: "path", required: false });

  async run(): Promise<number> {
    const o = this.options;
    const folder = resolve(this.folder ?? ".");
    const { model } = await enableShim(this, o, this.model);
    const env = withLoopbackNoProxy(o.env);
    const codex = findCodex(o.env);
    if (process.platform === "linux") {
      this.out(`Codex Desktop is not available on Linux, so nothing was launched. (On macOS/Windows this runs: codex app ${folder})`);
      this.out(`The shim is enabled (model ${model}): run \`codex\` in ${folder}, or \`codex-shim codex\` to leave config.toml alone.`);
      return 0;
    }
    const [file, args] = codex ? [codex, ["app", folder]] : process.platform === "darwin" ? ["open", ["-a", "Codex", folder]] : [null, []];
    if (!file) {
      this.err("codex-shim: `codex` was not found on PATH, so Codex Desktop cannot be launched. Install the Codex CLI (npm install -g @openai/codex), then run: codex app .");
      return 1;
    }
    const child = spawn(file, args as string[], { env, detached: true, stdio: "ignore", shell: process.platform === "win32" });
    child.on("error", (e) => this.err(`codex-shim: could not launch ${file}: ${e.message}`));
    child.unref();
    this.out(`Launched Codex Desktop on ${folder} (model ${model}).`);
    return 0;
  }
}
