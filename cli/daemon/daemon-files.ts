import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Written by the daemon itself once it listens; removed when it exits. */
export interface DaemonRecord {
  pid: number;
  port: number;
  url: string;
  settingsFile: string;
  version: string;
  startedAt: string;
}

export function daemonRecordPath(stateDir: string): string {
  return join(stateDir, "daemon.json");
}

export function daemonLogPath(stateDir: string): string {
  return join(stateDir, "shim.log");
}

/** The record, or null when missing; a corrupt file reads as `{ corrupt: true }`. */
export function readDaemonRecord(stateDir: string): DaemonRecord | { corrupt: true } | null {
  let text: string;
  try {
    text = readFileSync(daemonRecordPath(stateDir), "utf8");
  } catch {
    return null;
  }
  try {
    const r = JSON.parse(text) as DaemonRecord;
    if (Number.isInteger(r.pid) && r.pid > 0 && Number.isInteger(r.port)) return r;
  } catch {}
  return { corrupt: true };
}

export function writeDaemonRecord(stateDir: string, r: DaemonRecord): void {
  mkdirSync(stateDir, { recursive: true });
  const file = daemonRecordPath(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Removes the record; with `onlyPid`, only when it still names that process. */
export function removeDaemonRecord(stateDir: string, onlyPid?: number): void {
  if (onlyPid !== undefined) {
    const r = readDaemonRecord(stateDir);
    if (r && "pid" in r && r.pid !== onlyPid) return;
  }
  try {
    unlinkSync(daemonRecordPath(stateDir));
  } catch {}
}

/** Moves a log over `maxBytes` aside (`shim.log.1`) so it cannot grow without bound. */
export function rotateLog(file: string, maxBytes = 5 * 1024 * 1024): void {
  try {
    if (statSync(file).size > maxBytes) renameSync(file, `${file}.1`);
  } catch {}
}
