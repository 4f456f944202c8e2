import { Command, Option } from "clipanion";
import { spawn } from "node:child_process";
import { ShimCommand } from "./base-command.ts";
import { startDaemonOrFail } from "../shared/daemon-control.ts";
import { prepareShim } from "../shared/prepare-shim.ts";
import { findExecutable } from "../shared/find-executable.ts";

/** How to open a URL in the default browser here, or null (no desktop session). */
export function browserOpener(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, find = findExecutable): { file: string; args: (url: string) => string[] } | null {
  if (platform === "darwin") return { file: "open", args: (u) => [u] };
  // rundll32 opens the URL without a shell, so `&` in it needs no quoting
  if (platform === "win32") return { file: "rundll32", args: (u) => ["url.dll,FileProtocolHandler", u] };
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  const xdg = find("xdg-open", env);
  return xdg ? { file: xdg, args: (u) => [u] } : null;
}

export class PickerCommand extends ShimCommand {
  static paths = [["picker"]];
  static usage = Command.Usage({
    description: "Open the model picker page (switch the model Codex uses from a browser)",
    details:
      "Starts the shim if needed, prints the URL of its /picker page and opens it in the default browser. The page lists every configured model; choosing one writes ~/.codex/config.toml the same way `codex-shim model use` does (backed up, reversible with `codex-shim disable`) and can restart Codex Desktop.",
    examples: [
      ["Open the picker", "codex-shim picker"],
      ["Only print the URL", "codex-shim picker --no-open"],
    ],
  });
  open = Option.Boolean("--open", true, { description: "Open the page in the default browser (--no-open: only print the URL)" });

  async run(): Promise<number> {
    const o = this.options;
    await prepareShim(o, o.port);
    const { run, text } = await startDaemonOrFail(o);
    if (run.result.code === "started") this.out(text);
    const url = `${run.url}/picker`;
    this.out(`Model picker: ${url}`);
    if (!this.open) return 0;
    const opener = browserOpener(process.platform, o.env);
    if (!opener) {
      this.out("No desktop browser to open here: open the URL above in your browser.");
      return 0;
    }
    await new Promise<void>((resolve) => {
      const child = spawn(opener.file, opener.args(url), { detached: true, stdio: "ignore", windowsHide: true });
      child.once("error", (e) => {
        this.err(`codex-shim: could not open a browser (${opener.file}: ${e.message}); open the URL above yourself.`);
        resolve();
      });
      child.once("spawn", () => {
        child.unref();
        resolve();
      });
    });
    return 0;
  }
}
