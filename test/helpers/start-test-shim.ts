import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server/start-server.ts";

export interface TestShim extends RunningServer {
  settingsFile: string;
  logs: string[];
}

/** Starts the real server on a free loopback port with the given settings rows. */
export async function startTestShim(models: unknown, opts: { env?: NodeJS.ProcessEnv; keepAliveMs?: number } = {}): Promise<TestShim> {
  const dir = mkdtempSync(join(tmpdir(), "codex-shim-test-"));
  const settingsFile = join(dir, "models.json");
  writeFileSync(settingsFile, JSON.stringify(Array.isArray(models) ? { models } : models, null, 2));
  const logs: string[] = [];
  const server = await startServer({
    settingsFile,
    settingsRequired: true,
    port: 0,
    env: opts.env ?? { ...process.env },
    log: (l) => logs.push(l),
    keepAliveMs: opts.keepAliveMs ?? 0,
  });
  return Object.assign(server, { settingsFile, logs });
}

export async function postResponses(shim: { url: string }, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}
