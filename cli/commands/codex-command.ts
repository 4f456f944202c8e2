import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { daemonPort, startDaemonOrFail } from "../shared/daemon-control.ts";
import { prepareShim, pickModel, shimSettingsFor } from "../shared/prepare-shim.ts";
import { codexConfigOverrides } from "../../adapters/codex-config/provider-values.ts";
import { codexBinProblem, findCodex } from "../shared/find-executable.ts";
import { withLoopbackNoProxy } from "../shared/no-proxy.ts";
import { runForeground } from "../shared/run-child.ts";
import { CliError } from "../shared/cli-error.ts";
import { daemonKeyGaps, describeGaps } from "../shared/key-env-report.ts";

export class CodexCommand extends ShimCommand {
  static paths = [["codex"]];
  static usage = Command.Usage({
    description: "Run your `codex` through the shim without editing any config (inline -c overrides)",
    details:
      "Regenerates the catalog, starts the shim if needed, then runs `codex -c model_provider=\"codex_shim\" -c … <your args>` with loopback added to NO_PROXY. The model is the one chosen with `codex-shim model use` (else the first usable); Codex's own `-m` still wins. Everything after `codex` goes to Codex, so put codex-shim's own options before it. Exit code is Codex's.",
    examples: [
      ["Interactive Codex on the shim", "codex-shim codex"],
      ["One-shot", 'codex-shim codex -- exec "explain this repo"'],
      ["Shim options go first", "codex-shim --port 8766 codex -- exec -m claude-sonnet \"hi\""],
    ],
  });
  args = Option.Proxy();

  async run(): Promise<number> {
    const o = this.options;
    const args = this.args[0] === "--" ? this.args.slice(1) : this.args;
    const bad = codexBinProblem(o.env);
    if (bad) throw new CliError(bad);
    const codex = findCodex(o.env);
    if (!codex) throw new CliError("`codex` was not found on PATH. Install it (npm install -g @openai/codex) or set CODEX_SHIM_CODEX_BIN to its path.");
    const prepared = await prepareShim(o, daemonPort(o));
    const model = pickModel(o, prepared);
    const { run, text } = await startDaemonOrFail(o);
    if (run.result.code === "started") this.err(text);
    const gaps = daemonKeyGaps(run.result.observation?.health?.unusable, prepared.settings, o.env).filter((g) => g.slug === model);
    if (run.result.code !== "started" && gaps.length) this.err(`codex-shim: warning: ${describeGaps(gaps)}`);
    const overrides = codexConfigOverrides(shimSettingsFor(prepared, model, run.port));
    return runForeground(codex, [...overrides, ...args], withLoopbackNoProxy(o.env));
  }
}
