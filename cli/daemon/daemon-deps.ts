import type { DaemonDeps, DaemonObservation } from "../../machines/daemon.machine.ts";
import { readDaemonRecord, removeDaemonRecord } from "./daemon-files.ts";
import { isProcessAlive, looksLikeShimProcess, sleep, waitForExit } from "./process-alive.ts";
import { probeHealth } from "./probe-health.ts";
import { spawnDaemon, type SpawnedDaemon } from "./spawn-daemon.ts";

export interface DaemonTarget {
  stateDir: string;
  /** Port to start on / probe when daemon.json names none. */
  port: number;
  /** Passed to the daemon only when the user chose a file (`--settings`). */
  settingsFile?: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export class DaemonStartError extends Error {}

/** Observation of the daemon.json record, the pid and the port. */
export async function observeDaemon(t: DaemonTarget): Promise<DaemonObservation> {
  const rec = readDaemonRecord(t.stateDir);
  const record = rec && "pid" in rec ? rec : null;
  const pid = record?.pid ?? null;
  const pidAlive = pid !== null && isProcessAlive(pid);
  const pidForeign = pidAlive && !looksLikeShimProcess(pid!);
  const port = record && pidAlive && !pidForeign ? record.port : t.port;
  const probe = await probeHealth(port);
  return {
    port,
    pid,
    pidAlive,
    pidForeign,
    recordCorrupt: rec !== null && !("pid" in rec),
    probe: probe.kind,
    health: probe.kind === "shim" ? { version: probe.health.version, models: probe.health.models, settingsFile: probe.health.settings?.file } : null,
    ...(probe.kind === "foreign" ? { probeDetail: probe.detail } : {}),
  };
}

/** The real IO for the daemon machine. */
export function createDaemonDeps(t: DaemonTarget): DaemonDeps & { lastPort: () => number } {
  let spawned: SpawnedDaemon | null = null;
  let port = t.port;
  return {
    lastPort: () => port,
    async observe() {
      const o = await observeDaemon(t);
      port = o.port;
      return o;
    },
    async clearStale() {
      removeDaemonRecord(t.stateDir);
    },
    async spawn() {
      port = t.port;
      spawned = spawnDaemon({ stateDir: t.stateDir, port: t.port, settingsFile: t.settingsFile, env: t.env });
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
  };
}
