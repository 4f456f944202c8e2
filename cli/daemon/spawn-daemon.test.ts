import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnDaemon } from "./spawn-daemon.ts";
import { SERVER_ENV } from "./server-node-flags.ts";
import { freePort } from "../../test/helpers/free-port.ts";

/** The environment of a running process, from /proc (Linux). */
function environOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")) {
    const i = kv.indexOf("=");
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

describe("spawnDaemon", () => {
  it.skipIf(!existsSync("/proc/self/environ"))("starts the server with the memory settings, the user's own values first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "codex-shim-spawn-"));
    const settingsFile = join(dir, "models.json");
    writeFileSync(settingsFile, JSON.stringify({ models: [{ model: "m", slug: "m", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-test" }] }));
    const d = spawnDaemon({ stateDir: dir, port: await freePort(), settingsFile, env: { ...process.env, CODEX_HOME: dir, MALLOC_ARENA_MAX: "4" } });
    try {
      const env = environOf(d.pid);
      expect(env.MALLOC_ARENA_MAX).toBe("4");
      expect(env.MALLOC_MMAP_THRESHOLD_).toBe(SERVER_ENV.MALLOC_MMAP_THRESHOLD_);
      expect(env.CODEX_SHIM_DAEMON).toBe("1");
    } finally {
      process.kill(d.pid, "SIGKILL");
      await d.exited;
    }
  });
});
