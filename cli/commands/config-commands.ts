import { Command, Option } from "clipanion";
import * as t from "typanion";
import { ShimCommand } from "./base-command.ts";
import { controlDaemon, daemonPort, describeDaemonRun, startDaemonOrFail } from "../shared/daemon-control.ts";
import { prepareShim, pickModel, shimSettingsFor } from "../shared/prepare-shim.ts";
import { checkCodexConfigEdit, editCodexConfig } from "../shared/edit-codex-config.ts";
import type { CliOptions } from "../shared/cli-options.ts";
import { CliError } from "../shared/cli-error.ts";
import { daemonKeyGaps, describeGaps } from "../shared/key-env-report.ts";

/** generate → start → write the managed blocks for `model` (or the current/default one). */
export async function enableShim(cmd: ShimCommand, o: CliOptions, requested?: string): Promise<{ model: string; url: string }> {
  const port = daemonPort(o);
  const prepared = await prepareShim(o, port);
  const model = pickModel(o, prepared, requested); // validate before starting anything
  await checkCodexConfigEdit(o, { kind: "enable", settings: shimSettingsFor(prepared, model, port) });
  const { run, text } = await startDaemonOrFail(o, `${o.codexConfigFile} was not changed.`);
  cmd.out(text);
  const r = await editCodexConfig(o, { kind: "enable", settings: shimSettingsFor(prepared, model, run.port) });
  if (r.outcome === "unchanged") cmd.out(`${o.codexConfigFile} already uses codex-shim (model ${model}).`);
  else cmd.out(`Codex now uses codex-shim (model ${model}) via ${o.codexConfigFile}.${r.backup ? `\n  backup of the previous file: ${r.backup}` : ""}`);
  // The daemon reads keys from its own environment: a key exported after it started is not there.
  const gaps = run.result.code === "started" ? [] : daemonKeyGaps(run.result.observation?.health?.unusable, prepared.settings, o.env);
  const mine = gaps.filter((g) => g.slug === model);
  if (mine.length) throw new CliError(`${describeGaps(mine)}\nUntil then Codex's requests to ${model} fail with "missing API key".`);
  if (gaps.length) cmd.err(`codex-shim: warning: ${describeGaps(gaps)}`);
  return { model, url: run.url };
}

export class EnableCommand extends ShimCommand {
  static paths = [["enable"]];
  static usage = Command.Usage({
    description: "Make plain `codex` use the shim: start it and add managed blocks to ~/.codex/config.toml",
    details:
      "Adds `model`, `model_provider` and `model_catalog_json` in a marked block at the top of $CODEX_HOME/config.toml and `[model_providers.codex_shim]` in a marked block at the end. Your own values for those keys are commented out in place and restored by `disable`, byte for byte. The file is backed up to ~/.codex-shim/backups, written atomically, and verified first; a file that does not parse is left alone.",
    examples: [
      ["Enable with the current or default model", "codex-shim enable"],
      ["Enable with a model", "codex-shim enable -m deepseek-chat"],
    ],
  });
  model = Option.String("-m,--model", { description: "Model slug to select (default: the one chosen before, else the first usable)" });

  async run(): Promise<number> {
    await enableShim(this, this.options, this.model);
    this.out("Run `codex` as usual. Undo with: codex-shim disable");
    return 0;
  }
}

export class DisableCommand extends ShimCommand {
  static paths = [["disable"]];
  static usage = Command.Usage({
    description: "Restore ~/.codex/config.toml exactly as it was and stop the shim",
    examples: [["Disable", "codex-shim disable"]],
  });
  keepRunning = Option.Boolean("--keep-running", false, { description: "Do not stop the background shim" });

  async run(): Promise<number> {
    const o = this.options;
    const r = await editCodexConfig(o, { kind: "disable" });
    if (r.outcome === "written") this.out(`Restored ${o.codexConfigFile} (codex-shim blocks removed, your settings back).${r.backup ? `\n  backup: ${r.backup}` : ""}`);
    else if (r.outcome === "removed-file") this.out(`Removed ${o.codexConfigFile} (codex-shim had created it).`);
    else this.out(`codex-shim was not enabled in ${o.codexConfigFile}; nothing to restore.`);
    if (this.keepRunning) return 0;
    const run = await controlDaemon(o, "stop");
    const d = describeDaemonRun(o, run);
    if (d.error) this.err(d.text);
    else this.out(d.text);
    return run.result.ok ? 0 : 1;
  }
}

export class ModelUseCommand extends ShimCommand {
  static paths = [["model", "use"]];
  static usage = Command.Usage({
    description: "Choose the model Codex uses through the shim (enables the shim in ~/.codex/config.toml)",
    details: "Accepts a slug, the upstream model name, or a unique part of a display name. `codex-shim codex` uses the same model.",
    examples: [
      ["Pick by slug", "codex-shim model use claude-sonnet"],
      ["Pick by part of the display name", "codex-shim model use sonnet"],
    ],
  });
  slug = Option.String({ name: "slug", validator: t.cascade(t.isString(), [t.matchesRegExp(/^[^\s]+$/)]) });

  async run(): Promise<number> {
    const { model } = await enableShim(this, this.options, this.slug);
    this.out(`Active codex-shim model: ${model}`);
    return 0;
  }
}
