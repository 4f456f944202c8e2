import type { DaemonDeps, DaemonObservation } from "../../machines/daemon.machine.ts";
import { readDaemonRecord, removeDaemonRecord, type DaemonRecord } from "./daemon-files.ts";
import { isProcessAlive, looksLikeShimProcess, sleep, waitForExit } from "./process-alive.ts";
import { probeHealth } from "./probe-health.ts";
import { spawnDaemon, type SpawnedDaemon } from "./spawn-daemon.ts";

export interface DaemonTarget {
  stateDir: string;
  /** Port to start on / probe when daemon.json names no live daemon. */
  port: number;
  /** `--port` was given: act on that port, not on the recorded daemon's (restart still stops the recorded one). */
  portExplicit?: boolean;
  command?: "start" | "stop" | "restart" | "status";
  /** Passed to the daemon only when the user chose a file (`--settings`). */
  settingsFile?: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

class DaemonStartError extends Error {}

/** The daemon daemon.json names, when its process is alive and is a codex-shim. */
export function liveDaemonRecord(stateDir: string): DaemonRecord | null {
  const rec = readDaemonRecord(stateDir);
  if (!rec || !("pid" in rec)) return null;
  return isProcessAlive(rec.pid) && looksLikeShimProcess(rec.pid) ? rec : null;
}

/**
 * Observation of the daemon.json record, the pid and the port. With `onPort`, the port to look
 * at is fixed: a recorded daemon on another port is reported as `elsewhere`, not as this port's.
 */
export async function observeDaemon(t: DaemonTarget, onPort?: number): Promise<DaemonObservation> {
  const rec = readDaemonRecord(t.stateDir);
  let record = rec && "pid" in rec ? rec : null;
  let pid = record?.pid ?? null;
  let pidAlive = pid !== null && isProcessAlive(pid);
  let pidForeign = pidAlive && !looksLikeShimProcess(pid!);
  let elsewhere: DaemonObservation["elsewhere"];
  if (onPort !== undefined && record && pidAlive && !pidForeign && record.port !== onPort) {
    elsewhere = { pid: record.pid, port: record.port };
    record = null;
    pid = null;
    pidAlive = false;
    pidForeign = false;
  }
  const port = onPort ?? (record && pidAlive && !pidForeign ? record.port : t.port);
  let probe = await probeHealth(port);
  // The recorded daemon just died (crash, kill): its socket can outlive the pid for a moment.
  for (let i = 0; i < 10 && probe.kind === "foreign" && record && !pidAlive && record.port === port; i++) {
    await sleep(100);
    probe = await probeHealth(port, 300);
  }
  return {
    port,
    pid,
    pidAlive,
    pidForeign,
    ...(elsewhere ? { elsewhere } : {}),
    recordCorrupt: rec !== null && !("pid" in rec) && !elsewhere,
    probe: probe.kind,
    health: probe.kind === "shim" ? { version: probe.health.version, models: probe.health.models, settingsFile: probe.health.settings?.file, unusable: probe.health.unusable } : null,
    ...(probe.kind === "foreign" ? { probeDetail: probe.detail } : {}),
  };
}

/** The real IO for the daemon machine. */
export function createDaemonDeps(t: DaemonTarget): DaemonDeps & { lastPort: () => number } {
  let spawned: SpawnedDaemon | null = null;
  let port = t.port;
  let observations = 0;
  return {
    lastPort: () => port,
    async observe() {
      // restart's first look (its stop phase) is at the recorded daemon, wherever it listens; every
      // other look with --port is at that port.
      const stopPhaseOfRestart = t.command === "restart" && observations === 0;
      observations++;
      const o = await observeDaemon(t, t.portExplicit && !stopPhaseOfRestart ? t.port : undefined);
      port = o.port;
      return o;
    },
    async clearStale() {
      removeDaemonRecord(t.stateDir);
    },
    async spawn() {
      // Without --port a restarted daemon comes back on the port the stopped one had.
      if (t.portExplicit) port = t.port;
      spawned = spawnDaemon({ stateDir: t.stateDir, port, settingsFile: t.settingsFile, env: t.env });
      return { pid: spawned.pid };
    },
    async waitHealthy(pid) {
      const until = Date.now() + (t.startTimeoutMs ?? 15_000);
      let exit: number | string | null | undefined;
      spawned?.exited.then((c) => (exit = c));
      while (Date.now() < until) {
        if (exit !== undefined || !isProcessAlive(pid)) throw new DaemonStartError(`exited during startup${exit !== undefined && exit !== null ? ` (exit ${exit})` : ""}`);
        const p = await probeHealth(port, 500);
        const rec = readDaemonRecord(t.stateDir);
        if (p.kind === "shim" && rec && "pid" in rec && rec.pid === pid) return;
        await sleep(100);
      }
      throw new DaemonStartError(`did not answer /health within ${Math.round((t.startTimeoutMs ?? 15_000) / 1000)} s`);
    },
    async terminate(pid) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
      if (!(await waitForExit(pid, t.stopTimeoutMs ?? 5_000))) throw new Error(`pid ${pid} did not exit after SIGTERM`);
      removeDaemonRecord(t.stateDir, pid);
    },
    async kill(pid) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      if (!(await waitForExit(pid, 2_000))) throw new Error(`pid ${pid} did not exit after SIGKILL`);
      removeDaemonRecord(t.stateDir, pid);
    },
    async waitPortFree(p) {
      const until = Date.now() + (t.stopTimeoutMs ?? 5_000);
      for (;;) {
        const probe = await probeHealth(p, 300);
        if (probe.kind === "free") return;
        if (Date.now() > until) throw new Error(`port ${p} still accepts connections after the process exited (${probe.kind === "foreign" ? probe.detail : "a codex-shim answers"})`);
        await sleep(50);
      }
    },
  };
}
