import { cpSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { asarWritable, bundlePaths, DesktopError } from "./codex-app-bundle.ts";
import { ASAR_BACKUP, backupDirFor } from "./app-backups.ts";
import { codexDesktopPids, quitAppleScript } from "./codex-desktop-process.ts";
import { expandHome } from "../settings/state-paths.ts";

export type SignResult = { status: "signed" } | { status: "missing" } | { status: "failed"; detail: string };

/** The side effects patch-app/restore-app have besides files (injectable for tests). */
export interface DesktopDeps {
  platform: NodeJS.Platform;
  stateDir: string;
  home: string;
  /** `/Applications` */
  systemApplications: string;
  out: (line: string) => void;
  runningPids: (bundle: string) => number[];
  /** Whether app.asar can be replaced in place. */
  canWrite: (app: string) => boolean;
  quit: (bundleId: string | undefined) => Promise<void>;
  copyApp: (from: string, to: string) => void;
  codesign: (bundle: string) => SignResult;
  sleep: (ms: number) => Promise<void>;
}

function run(file: string, args: string[]): { status: number | null; missing: boolean; output: string } {
  const r = spawnSync(file, args, { encoding: "utf8", timeout: 120_000 });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
  return { status: r.status, missing, output: `${r.stderr ?? ""}${r.stdout ?? ""}`.trim() || (r.error?.message ?? "") };
}

export function realDesktopDeps(o: { stateDir: string; out: (line: string) => void; env?: NodeJS.ProcessEnv }): DesktopDeps {
  return {
    platform: process.platform,
    stateDir: o.stateDir,
    home: o.env?.HOME?.trim() || homedir(),
    systemApplications: "/Applications",
    out: o.out,
    runningPids: codexDesktopPids,
    canWrite: asarWritable,
    quit: async (bundleId) => {
      if (process.platform === "darwin") run("osascript", ["-e", quitAppleScript(bundleId)]);
    },
    copyApp: (from, to) => {
      // ditto keeps macOS metadata (extended attributes, resource forks) that a plain copy drops
      const r = process.platform === "darwin" ? run("ditto", [from, to]) : null;
      if (!r) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
      else if (r.status !== 0) throw new DesktopError(`could not copy ${from} to ${to}: ${r.output}`);
    },
    codesign: (bundle) => {
      const r = run("codesign", ["--force", "--deep", "--sign", "-", bundle]);
      if (r.missing) return { status: "missing" };
      return r.status === 0 ? { status: "signed" } : { status: "failed", detail: r.output };
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

export type DesktopCommand = "patch-app" | "restore-app";

function macOnly(cmd: DesktopCommand): DesktopError {
  return new DesktopError(
    `${cmd} is macOS-only: it edits /Applications/Codex.app, and Windows' MSIX Codex Desktop cannot be patched with this asar helper. ` +
      `To work on an app bundle somewhere else, name it: codex-shim ${cmd} --app PATH/Codex.app`,
  );
}

/**
 * The bundle to patch: `--app`, else `/Applications/Codex.app` when codex-shim may write it,
 * else `~/Applications/Codex.app` (copied from /Applications first when it is missing).
 */
export function patchTarget(app: string | undefined, d: DesktopDeps): string {
  if (app) return resolve(expandHome(app, { HOME: d.home }));
  if (d.platform !== "darwin") throw macOnly("patch-app");
  const system = join(d.systemApplications, "Codex.app");
  const user = join(d.home, "Applications", "Codex.app");
  if (existsSync(bundlePaths(system).asarPath) && d.canWrite(system)) return system;
  if (existsSync(user)) {
    d.out(`Patching the user copy at ${user} (${system} is missing or not writable).`);
    return user;
  }
  if (!existsSync(system)) throw new DesktopError(`Codex Desktop not found at ${system}.`);
  d.copyApp(system, user);
  d.out(`Copied Codex Desktop to ${user} for patching (${system} is not writable).`);
  return user;
}

/** The bundle to restore: `--app`, else the first of ~/Applications and /Applications that has a backup. */
export function restoreTarget(app: string | undefined, d: DesktopDeps): string {
  if (app) return resolve(expandHome(app, { HOME: d.home }));
  if (d.platform !== "darwin") throw macOnly("restore-app");
  const candidates = [join(d.home, "Applications", "Codex.app"), join(d.systemApplications, "Codex.app")];
  return candidates.find((c) => existsSync(join(backupDirFor(d.stateDir, c), ASAR_BACKUP))) ?? candidates.find((c) => existsSync(c)) ?? candidates[1];
}

/** Quits Codex Desktop (macOS, AppleScript) and waits up to 10 s; refuses to go on while it runs. */
export async function ensureNotRunning(bundle: string, bundleId: string | undefined, cmd: DesktopCommand, d: DesktopDeps): Promise<void> {
  let pids = d.runningPids(bundle);
  if (!pids.length) return;
  if (d.platform === "darwin") {
    d.out("Quitting Codex Desktop…");
    await d.quit(bundleId);
    for (let i = 0; i < 20 && pids.length; i++) {
      await d.sleep(500);
      pids = d.runningPids(bundle);
    }
  }
  if (pids.length)
    throw new DesktopError(`Codex Desktop is running from ${bundle} (pid ${pids.join(", ")}). Quit it, then run codex-shim ${cmd} again. Nothing was changed.`);
}

/** Ad-hoc re-signing (a modified bundle's old signature no longer matches). */
export function resign(bundle: string, cmd: DesktopCommand, d: DesktopDeps): void {
  const r = d.codesign(bundle);
  if (r.status === "signed") d.out(`Re-signed ${bundle} (ad-hoc).`);
  else if (r.status === "missing")
    d.out(`codesign was not found, so ${bundle} was not re-signed (skipped). On macOS, run: codesign --force --deep --sign - "${bundle}"`);
  else
    throw new DesktopError(
      `codesign --force --deep --sign - "${bundle}" failed: ${r.detail}\n` +
        (cmd === "patch-app" ? "The app is patched, but macOS may refuse to open it until it is signed: fix that and re-run the command, or undo with codex-shim restore-app." : "The original files are back, but macOS may refuse to open the app until it is signed: fix that and re-run the command, or reinstall Codex Desktop."),
    );
}
