import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { prepareShim } from "../shared/prepare-shim.ts";
import { daemonPort } from "../shared/daemon-control.ts";
import { ADD_MODEL_HINT } from "../shared/load-cli-settings.ts";
import { entryInfo } from "../../adapters/codex-catalog/build-catalog.ts";

export class GenerateCommand extends ShimCommand {
  static paths = [["generate"]];
  static usage = Command.Usage({
    description: "Write the model catalog and an opt-in Codex config into the state directory",
    details:
      "Writes `custom_model_catalog.json` (what Codex's model picker shows: every model usable now) and `config.toml` into ~/.codex-shim (or $CODEX_SHIM_HOME). Nothing under ~/.codex is touched; `enable` does that.",
    examples: [
      ["Regenerate after editing models.json", "codex-shim generate"],
      ["Machine-readable summary", "codex-shim generate --json"],
    ],
  });
  json = Option.Boolean("--json", false, { description: "Print a JSON summary" });

  async run(): Promise<number> {
    const o = this.options;
    const { files } = await prepareShim(o, daemonPort(o));
    if (this.json) {
      this.out(
        JSON.stringify(
          { catalog: files.catalogPath, config: files.configPath, models: files.catalog.models.map((e) => entryInfo(e).slug), skipped: files.skipped.map((s) => ({ slug: s.model.slug, reason: s.reason })) },
          null,
          2,
        ),
      );
      return 0;
    }
    this.out(`Generated ${files.catalog.models.length} model entr${files.catalog.models.length === 1 ? "y" : "ies"}:`);
    this.out(`  catalog: ${files.catalogPath}`);
    this.out(`  config:  ${files.configPath}`);
    for (const s of files.skipped) this.out(`  skipped ${s.model.slug}: ${s.reason}`);
    const router = files.router;
    if (router?.active) this.out(`  auto-router ${router.settings.slug}: first entry, picks among ${router.usable.map((c) => c.slug).join(", ")}`);
    else if (router) this.out(`  auto-router ${router.settings.slug}: not advertised (${router.settings.enabled ? "no usable candidate" : "disabled"})`);
    for (const u of router?.settings.enabled ? router.unusable : []) this.out(`  auto-router candidate ${u.slug} left out: ${u.reason}`);
    if (!files.catalog.models.length) this.out(`The catalog is empty. ${ADD_MODEL_HINT(o.settings.file)}\nThen run codex-shim generate again.`);
    this.out("No files under ~/.codex were modified (use `codex-shim enable` for that).");
    return 0;
  }
}
