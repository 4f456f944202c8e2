import { execFile, spawn, spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";

/** Pids of processes whose command line runs something inside `bundle` (the app or its helpers). */
export function pidsRunningFrom(bundle: string, psOutput: string, self = process.pid): number[] {
  let real = bundle;
  try {
    real = realpathSync(bundle);
  } catch {}
  const needles = [...new Set([bundle, real])].map((b) => `${b.replace(/[\\/]+$/, "")}${sep}Contents${sep}`);
  const pids: number[] = [];
  for (const line of psOutput.split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== self && needles.some((n) => m[2].includes(n))) pids.push(pid);
  }
  return pids;
}

/** `ps` listing of every process (macOS and Linux); null where there is no `ps` (Windows). */
function listProcesses(): string | null {
  if (process.platform === "win32") return null;
  const r = spawnSync("ps", ["-axww", "-o", "pid=,command="], { encoding: "utf8", timeout: 5_000 });
  return r.status === 0 ? r.stdout : null;
}

export function codexDesktopPids(bundle: string): number[] {
  const ps = listProcesses();
  return ps === null ? [] : pidsRunningFrom(bundle, ps);
}

/** AppleScript that quits the app only if it runs (`tell application` alone would launch it). */
export function quitAppleScript(bundleId?: string): string {
  const app = bundleId ? `application id "${bundleId.replace(/["\\]/g, "")}"` : `application "Codex"`;
  return `if ${app} is running then tell ${app} to quit`;
}

export interface RunResult {
  code: number | null;
  stdout?: string;
  error?: string;
}

export interface RestartDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  run: (file: string, args: string[]) => Promise<RunResult>;
  launch: (file: string, args: string[]) => void;
  exists: (path: string) => boolean;
  sleep: (ms: number) => Promise<void>;
}

export const realRestartDeps = (env: NodeJS.ProcessEnv = process.env): RestartDeps => ({
  platform: process.platform,
  env,
  run: (file, args) =>
    new Promise((resolve) =>
      execFile(file, args, { timeout: 10_000, windowsHide: true }, (e, stdout) =>
        resolve({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout: String(stdout ?? ""), ...(e ? { error: e.message } : {}) }),
      ),
    ),
  launch: (file, args) => {
    const child = spawn(file, args, { detached: true, stdio: "ignore", windowsHide: true });
    child.on("error", () => {});
    child.unref();
  },
  exists: existsSync,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
});

export interface RestartOutcome {
  restarted: boolean;
  note: string;
}

/** The Desktop executable a Windows per-user install puts under %LOCALAPPDATA%. */
function windowsCodexExe(env: NodeJS.ProcessEnv): string | null {
  const base = env.LOCALAPPDATA?.trim();
  return base ? join(base, "Programs", "Codex", "Codex.exe") : null;
}

/** Whether Codex Desktop still runs: `pgrep -x Codex` (macOS), `tasklist` (Windows). */
async function desktopRunning(d: RestartDeps): Promise<boolean> {
  if (d.platform === "darwin") return (await d.run("pgrep", ["-x", "Codex"])).code === 0;
  const r = await d.run("tasklist", ["/FI", "IMAGENAME eq Codex.exe", "/NH"]);
  return /codex\.exe/i.test(r.stdout ?? "");
}

/** Polls until Codex Desktop has exited (10 s at most). */
async function waitForExit(d: RestartDeps): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    await d.sleep(500);
    if (!(await desktopRunning(d))) return true;
  }
  return false;
}

const DID_NOT_QUIT = { restarted: false, note: "Codex Desktop did not quit within 10 s (an unsaved prompt?), so it was not relaunched; restart it yourself to use the model." };

/**
 * Quits and relaunches Codex Desktop so it re-reads config.toml: macOS quits it by AppleScript and
 * runs `open -a Codex` (or `open -a <bundle>` for a patched copy); Windows runs
 * `taskkill /IM Codex.exe` and starts %LOCALAPPDATA%\Programs\Codex\Codex.exe. Either waits
 * (bounded) for the old process to exit first: Electron's single-instance lock would otherwise
 * hand the launch to the quitting app. Linux has no Codex Desktop.
 */
export async function restartCodexDesktop(d: RestartDeps, opts: { macBundle?: string } = {}): Promise<RestartOutcome> {
  if (d.platform === "darwin") {
    await d.run("osascript", ["-e", quitAppleScript()]);
    if (!(await waitForExit(d))) return DID_NOT_QUIT;
    // a patched ~/Applications copy must be the one that opens, not /Applications' original
    const open = await d.run("open", ["-a", opts.macBundle ?? "Codex"]);
    return open.code === 0 ? { restarted: true, note: "Codex Desktop was restarted." } : { restarted: false, note: `Could not relaunch Codex Desktop (open -a Codex: ${open.error ?? `exit ${open.code}`}). Start it yourself.` };
  }
  if (d.platform === "win32") {
    await d.run("taskkill", ["/IM", "Codex.exe"]);
    if (!(await waitForExit(d))) return DID_NOT_QUIT;
    const exe = windowsCodexExe(d.env);
    if (!exe || !d.exists(exe)) return { restarted: false, note: `Codex Desktop was asked to quit, but ${exe ?? "%LOCALAPPDATA%\\Programs\\Codex\\Codex.exe"} was not found to relaunch it. Start it yourself.` };
    d.launch(exe, []);
    return { restarted: true, note: "Codex Desktop was restarted." };
  }
  return { restarted: false, note: "There is no Codex Desktop on this system to restart; start a new Codex session to use the model." };
}
