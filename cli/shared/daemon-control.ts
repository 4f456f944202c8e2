import { createDaemonDeps } from "../daemon/daemon-deps.ts";
import { daemonLogPath, daemonRecordPath, readDaemonRecord } from "../daemon/daemon-files.ts";
import { runDaemonCommand } from "../daemon/run-daemon-command.ts";
import type { DaemonCommand, DaemonResult } from "../../machines/daemon.machine.ts";
import type { CliOptions } from "./cli-options.ts";
import { readFileSync } from "node:fs";

export interface DaemonRun {
  result: DaemonResult;
  port: number;
  url: string;
}

/** Runs start/stop/restart/status through the daemon machine with the real IO. */
export async function controlDaemon(o: CliOptions, command: DaemonCommand): Promise<DaemonRun> {
  const deps = createDaemonDeps({
    stateDir: o.stateDir,
    port: o.port,
    settingsFile: o.settings.required ? o.settings.file : undefined,
    env: o.env,
    startTimeoutMs: Number(o.env.CODEX_SHIM_START_TIMEOUT_MS) || undefined,
  });
  const result = await runDaemonCommand(command, deps);
  const port = result.observation && result.code !== "started" ? result.observation.port : deps.lastPort();
  return { result, port, url: `http://127.0.0.1:${port}` };
}

/** The port of the running daemon (daemon.json) unless --port was given. */
export function daemonPort(o: CliOptions): number {
  if (o.portExplicit) return o.port;
  const r = readDaemonRecord(o.stateDir);
  return r && "port" in r ? r.port : o.port;
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
  const withNotes = (s: string) => [...notes, s].join("\n");
  const unmanagedNote = `It was not started by \`codex-shim start\` (no pid file in ${o.stateDir}).`;
  switch (r.code) {
    case "running":
      return { text: r.condition === "unmanaged" ? `codex-shim is running on ${url}${models}. ${unmanagedNote}` : `codex-shim is running on ${url} with pid ${r.pid}${models}.`, error: false };
    case "already-running":
      return { text: withNotes(`codex-shim is already running on ${url}${r.pid && r.condition !== "unmanaged" ? ` with pid ${r.pid}` : ""}.`), error: false };
    case "started":
      return { text: withNotes(`codex-shim started on ${url} with pid ${r.pid}.\n  log: ${log}`), error: false };
    case "stopped":
      return { text: withNotes(`codex-shim stopped (pid ${r.pid}).`), error: false };
    case "not-running": {
      const foreign = r.condition === "foreign" ? `\nNote: port ${port} is used by another program.` : "";
      return { text: withNotes(`codex-shim is not running.${foreign}`), error: false };
    }
    case "status-stopped":
      return { text: "codex-shim is stopped. Start it with: codex-shim start", error: true };
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
