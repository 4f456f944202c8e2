import { spawn } from "node:child_process";
import { cursorBin, cursorDisabled, cursorSpawnEnv } from "./cursor-env.ts";

const AUTH_FAILURE = /authentication required|not authenticated|not logged in|please run|agent login|cursor_api_key/i;

/** `cursor-agent status` output → logged in? (reference-behavior §9: no failure marker and "logged in"). */
export function statusSaysLoggedIn(output: string): boolean {
  return !AUTH_FAILURE.test(output) && /logged in/i.test(output);
}

export function looksLikeAuthFailure(text: string): boolean {
  return AUTH_FAILURE.test(text);
}

const CACHE_MS = 30_000;
const cache = new Map<string, { at: number; value: Promise<boolean> }>();

/** Runs `<bin> status` (bounded by `timeoutMs`); any spawn failure or timeout means "not available". */
export function runCursorStatus(env: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<boolean> {
  return new Promise((resolve) => {
    let out = "";
    let child;
    try {
      child = spawn(cursorBin(env), ["status"], { env: cursorSpawnEnv(env), stdio: ["ignore", "pipe", "pipe"] });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(false);
    }, timeoutMs);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on("close", () => {
      clearTimeout(timer);
      resolve(statusSaysLoggedIn(out));
    });
  });
}

/** Whether the Cursor passthrough can be offered; the status check is cached for 30 s per binary. */
export function cursorAvailable(env: NodeJS.ProcessEnv, now = Date.now()): Promise<boolean> {
  if (cursorDisabled(env)) return Promise.resolve(false);
  const key = cursorBin(env);
  const hit = cache.get(key);
  if (hit && now - hit.at < CACHE_MS) return hit.value;
  const value = runCursorStatus(env);
  cache.set(key, { at: now, value });
  return value;
}

/** For tests and after a login change. */
export function clearCursorStatusCache(): void {
  cache.clear();
}

/**
 * For status endpoints: the availability if known within `waitMs`, else false for now (the check
 * keeps running and its result is cached for the next call), so a hanging `cursor-agent status`
 * never makes `/health` slow.
 */
export function cursorAvailableWithin(env: NodeJS.ProcessEnv, waitMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => {
    timer = setTimeout(() => r(false), waitMs);
    timer.unref();
  });
  return Promise.race([cursorAvailable(env), timeout]).finally(() => clearTimeout(timer));
}
