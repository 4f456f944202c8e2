import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server/start-server.ts";
import { buildCatalogEntry, type CatalogEntry } from "../../adapters/codex-catalog/build-catalog-entry.ts";
import { startScriptedUpstream, type ScriptedUpstream } from "./scripted-upstream.ts";

export interface TestShim extends RunningServer {
  settingsFile: string;
  logs: string[];
}

/** Starts the real server on a free loopback port with the given settings rows. */
export async function startTestShim(models: unknown, opts: { env?: NodeJS.ProcessEnv; keepAliveMs?: number | "default" } = {}): Promise<TestShim> {
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
    // tests run without keep-alives unless they ask; "default" = what `codex-shim serve` uses
    keepAliveMs: opts.keepAliveMs === "default" ? undefined : (opts.keepAliveMs ?? 0),
    stateDir: dir,
  });
  return Object.assign(server, { settingsFile, logs });
}

export async function postResponses(shim: { url: string }, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** The Codex catalog (`model_catalog_json`) for the shim's current models. */
export function catalogOf(shim: TestShim): { models: CatalogEntry[] } {
  return { models: shim.ctx.store.current.models.map(buildCatalogEntry) };
}

export interface ChatE2E {
  up: ScriptedUpstream;
  shim: TestShim;
  catalog: { models: CatalogEntry[] };
  close(): Promise<void>;
}

/**
 * The usual end-to-end set-up: a scripted loopback chat upstream, the real server with one
 * `openai` model (slug `shim-model`) pointing at it, and the catalog for Codex.
 */
export async function startChatE2E(row: { model?: string } = {}): Promise<ChatE2E> {
  const up = await startScriptedUpstream();
  const shim = await startTestShim([{ model: row.model ?? "up-model", slug: "shim-model", display_name: "Shim Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-e2e-key" }]);
  return {
    up,
    shim,
    catalog: catalogOf(shim),
    async close() {
      await shim.close();
      await up.close();
    },
  };
}
