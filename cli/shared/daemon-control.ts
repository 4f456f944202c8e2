import { createDaemonDeps, liveDaemonRecord } from "../daemon/daemon-deps.ts";
import { daemonLogPath, daemonRecordPath } from "../daemon/daemon-files.ts";
import { readManagedState } from "../../adapters/codex-config/managed-config.ts";
import { CliError } from "./cli-error.ts";
import { runDaemonCommand } from "../daemon/run-daemon-command.ts";
import type { DaemonCommand, DaemonResult } from "../../machines/daemon.machine.ts";
import type { CliOptions } from "./cli-options.ts";
import { readFileSync } from "node:fs";

export interface DaemonRun {
  result: DaemonResult;
  port: number;
  url: string;
}

/** Starts the daemon if needed; a failure is a CliError (its text, then `failNote` if given). */
export async function startDaemonOrFail(o: CliOptions, failNote?: string): Promise<{ run: DaemonRun; text: string }> {
  const run = await controlDaemon(o, "start");
  const { text } = describeDaemonRun(o, run);
  if (!run.result.ok) throw new CliError(failNote ? `${text}\n${failNote}` : text);
  return { run, text };
}

/** Runs start/stop/restart/status through the daemon machine with the real IO. */
export async function controlDaemon(o: CliOptions, command: DaemonCommand): Promise<DaemonRun> {
  const live = liveDaemonRecord(o.stateDir);
  // One daemon per state dir: starting a second one would lose track of the first.
  if (command === "start" && o.portExplicit && live && live.port !== o.port)
    throw new CliError(`codex-shim already runs on port ${live.port} (pid ${live.pid}). To move it to port ${o.port}: codex-shim --port ${o.port} restart`);
  const deps = createDaemonDeps({
    stateDir: o.stateDir,
    port: daemonPort(o),
    portExplicit: o.portExplicit,
    command,
    settingsFile: o.settings.required ? o.settings.file : undefined,
    env: o.env,
    startTimeoutMs: Number(o.env.CODEX_SHIM_START_TIMEOUT_MS) || undefined,
    stopTimeoutMs: Number(o.env.CODEX_SHIM_STOP_TIMEOUT_MS) || undefined,
  });
  const result = await runDaemonCommand(command, deps);
  const port = result.observation && result.code !== "started" && result.code !== "restarted" ? result.observation.port : deps.lastPort();
  return { result, port, url: `http://127.0.0.1:${port}` };
}

/**
 * The port the shim is (or will be) on: `--port`/`$CODEX_SHIM_PORT` when given, else the running
 * daemon's, else the port the enabled Codex config points at (so `start` after a `stop` or a reboot
 * comes back where Codex looks), else the default.
 */
export function daemonPort(o: CliOptions): number {
  if (o.portExplicit) return o.port;
  const live = liveDaemonRecord(o.stateDir);
  if (live) return live.port;
  return enabledConfigPort(o) ?? o.port;
}

/** The port of `base_url` in the managed provider block of $CODEX_HOME/config.toml, if enabled. */
function enabledConfigPort(o: CliOptions): number | undefined {
  let text: string;
  try {
    text = readFileSync(o.codexConfigFile, "utf8");
  } catch {
    return undefined;
  }
  const url = readManagedState(text).baseUrl;
  if (!url || !URL.canParse(url)) return undefined;
  const u = new URL(url);
  if (u.hostname !== "127.0.0.1" && u.hostname !== "localhost") return undefined;
  const p = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  return Number.isInteger(p) && p > 0 ? p : undefined;
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines - 1).join("\n").trimEnd();
  } catch {
    return "";
  }
}

/** One line (or a few) per outcome; `error` lines go to stderr. */
export function describeDaemonRun(o: CliOptions, run: DaemonRun): { text: string; error: boolean } {
  const { result: r, url, port } = run;
  const log = daemonLogPath(o.stateDir);
  const rec = daemonRecordPath(o.stateDir);
  const models = r.observation?.health ? ` (${r.observation.health.models} usable model${r.observation.health.models === 1 ? "" : "s"})` : "";
  const notes: string[] = [];
  if (r.notes.includes("removed-stale-record")) notes.push(`Removed a stale pid file (${rec}): its process was gone.`);
  if (r.notes.includes("killed")) notes.push("It did not exit within 5 s of SIGTERM and was killed.");
  if (r.notes.includes("port-still-busy")) notes.push(`Its process is gone, but port ${r.observation?.port ?? port} still accepts connections.`);
  const elsewhere = r.observation?.elsewhere ? ` (the codex-shim of ${o.stateDir} runs on port ${r.observation.elsewhere.port}, pid ${r.observation.elsewhere.pid})` : "";
  const withNotes = (s: string) => [...notes, s].join("\n");
  const unmanagedNote = `It was not started by \`codex-shim start\` (no pid file in ${o.stateDir}).`;
  switch (r.code) {
    case "running":
      return { text: r.condition === "unmanaged" ? `codex-shim is running on ${url}${models}. ${unmanagedNote}` : `codex-shim is running on ${url} with pid ${r.pid}${models}.`, error: false };
    case "already-running":
      return { text: withNotes(`codex-shim is already running on ${url}${r.pid && r.condition !== "unmanaged" ? ` with pid ${r.pid}` : ""}.`), error: false };
    case "started":
      return { text: withNotes(`codex-shim started on ${url} with pid ${r.pid}.\n  log: ${log}`), error: false };
    case "restarted":
      return { text: withNotes(`codex-shim restarted on ${url} with pid ${r.pid}.\n  log: ${log}`), error: false };
    case "stopped":
      return { text: withNotes(`codex-shim stopped (pid ${r.pid}).`), error: false };
    case "not-running": {
      const foreign = r.condition === "foreign" ? `\nNote: port ${port} is used by another program.` : "";
      return { text: withNotes(`codex-shim is not running${r.observation?.elsewhere ? ` on port ${port}` : ""}.${elsewhere}${foreign}`), error: false };
    }
    case "status-stopped":
      return {
        text: r.observation?.elsewhere ? `codex-shim is not running on port ${port}${elsewhere}.` : `codex-shim is stopped. Start it with: codex-shim${o.portExplicit ? ` --port ${port}` : ""} start`,
        error: true,
      };
    case "status-stale":
      return {
        text: `codex-shim is not running, but ${rec} names pid ${r.pid ?? "?"}, which is gone (stale pid file). \`codex-shim start\` cleans it up.`,
        error: true,
      };
    case "status-unhealthy":
      return { text: `codex-shim process ${r.pid} exists but its health check on ${url}/health failed. See ${log}; try: codex-shim restart`, error: true };
    case "status-foreign":
    case "port-busy":
      return {
        text:
          `Port ${port} on 127.0.0.1 is used by another program${r.observation?.probeDetail ? ` (${r.observation.probeDetail})` : ""}, not codex-shim.\n` +
          `Stop that program, or use another port: codex-shim --port ${port + 1} start`,
        error: true,
      };
    case "unmanaged":
      return { text: `A codex-shim is running on ${url}, but it cannot be stopped from here. ${unmanagedNote} Stop it where it was started (Ctrl-C).`, error: true };
    case "start-failed": {
      const t = tail(log, 12);
      return { text: withNotes(`codex-shim did not start: ${r.error}.\nLog: ${log}${t ? `\n--- last lines ---\n${t}` : ""}`), error: true };
    }
    case "stop-failed":
      return { text: `codex-shim could not be stopped: ${r.error}.`, error: true };
    default:
      return { text: `codex-shim: ${r.error ?? r.code}`, error: true };
  }
}
