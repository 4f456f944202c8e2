import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { CliError } from "../shared/cli-error.ts";
import { DesktopError } from "../../adapters/codex-desktop/codex-app-bundle.ts";
import { realDesktopDeps, type DesktopDeps } from "../../adapters/codex-desktop/desktop-steps.ts";
import { patchCodexApp } from "../../adapters/codex-desktop/patch-codex-app.ts";
import { restoreCodexApp } from "../../adapters/codex-desktop/restore-codex-app.ts";

abstract class DesktopCommandBase extends ShimCommand {
  app = Option.String("--app", { description: "The app bundle to work on (default: /Applications/Codex.app, else ~/Applications/Codex.app)" });

  protected deps(): DesktopDeps {
    return realDesktopDeps({ stateDir: this.options.stateDir, out: (l) => this.out(l), env: this.options.env });
  }

  protected async guarded(fn: () => Promise<void>): Promise<number> {
    try {
      await fn();
      return 0;
    } catch (e) {
      if (e instanceof DesktopError) throw new CliError(e.message);
      throw e;
    }
  }
}

export class PatchAppCommand extends DesktopCommandBase {
  static paths = [["patch-app"]];
  static usage = Command.Usage({
    description: "Let Codex Desktop (macOS) show custom catalog models in its picker",
    details:
      "Turns off Codex Desktop's server-side model allowlist in its picker and the sidebar's provider filter, by editing two places in Contents/Resources/app.asar (found by pattern; a Desktop version where they cannot be found is left untouched). Quits Codex first, backs up app.asar and Info.plist into ~/.codex-shim/desktop-backups, updates the ElectronAsarIntegrity hash and re-signs the app ad hoc. Running it again changes nothing. Undo with `codex-shim restore-app`.",
    examples: [
      ["Patch /Applications/Codex.app", "codex-shim patch-app"],
      ["Patch another copy", "codex-shim patch-app --app ~/Desktop/Codex.app"],
    ],
  });

  async run(): Promise<number> {
    return this.guarded(() => patchCodexApp(this.app, this.deps()));
  }
}

export class RestoreAppCommand extends DesktopCommandBase {
  static paths = [["restore-app"]];
  static usage = Command.Usage({
    description: "Undo patch-app: put Codex Desktop's original app.asar and Info.plist back, byte for byte",
    details: "Picks the backup that belongs to the current (patched) app.asar. When Codex Desktop was updated since the patch, it says so and changes nothing unless --force is given.",
    examples: [
      ["Restore", "codex-shim restore-app"],
      ["Restore another copy", "codex-shim restore-app --app ~/Desktop/Codex.app"],
    ],
  });
  force = Option.Boolean("--force", false, { description: "Put back the oldest backup even if app.asar is not the one patch-app wrote" });

  async run(): Promise<number> {
    return this.guarded(() => restoreCodexApp(this.app, this.deps(), { force: this.force }));
  }
}
