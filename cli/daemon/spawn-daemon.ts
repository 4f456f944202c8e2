import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { daemonLogPath, rotateLog } from "./daemon-files.ts";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "./server-node-flags.ts";

const BIN = fileURLToPath(new URL("../bin.mjs", import.meta.url));

export interface SpawnedDaemon {
  pid: number;
  /** Resolves with the exit code (or signal name) if the daemon exits while we watch. */
  exited: Promise<number | string | null>;
}

/**
 * Starts `codex-shim serve` detached (own session, survives this CLI), stdout and stderr
 * appended to the log in the state dir. The daemon writes its own daemon.json once it listens.
 */
export function spawnDaemon(o: { stateDir: string; port: number; settingsFile?: string; env?: NodeJS.ProcessEnv }): SpawnedDaemon {
  mkdirSync(o.stateDir, { recursive: true });
  const log = daemonLogPath(o.stateDir);
  rotateLog(log);
  const fd = openSync(log, "a", 0o600);
  writeSync(fd, `\n--- codex-shim start ${new Date().toISOString()} port ${o.port} ---\n`);
  const args = [...SERVER_NODE_FLAGS, BIN, "serve", "--port", String(o.port), "--daemon-record"];
  if (o.settingsFile) args.push("--settings", o.settingsFile);
  try {
    const child = spawn(process.execPath, args, {
      cwd: o.stateDir,
      env: { ...SERVER_ENV, ...(o.env ?? process.env), CODEX_SHIM_DAEMON: "1" },
      detached: true,
      stdio: ["ignore", fd, fd],
      windowsHide: true,
    });
    const exited = new Promise<number | string | null>((resolve) => {
      child.once("exit", (code, signal) => resolve(signal ?? code));
      child.once("error", () => resolve(null));
    });
    child.unref();
    if (!child.pid) throw new Error(`could not start ${process.execPath}`);
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}
