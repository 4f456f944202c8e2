import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMockUpstream, type MockUpstream } from "./mock-upstream.ts";
import { benchSettings } from "./bench-scenarios.ts";

/**
 * What the bench and the A/B tools (run-bench.ts, ab-shim.ts, ab-rss.ts) run against: the mock upstream, the bench's settings
 * file, and a CODEX_HOME with a dummy ChatGPT login, set in this process's environment so the
 * children inherit it.
 */
export async function startBenchFixture(prefix: string): Promise<{ mock: MockUpstream; dir: string; settingsFile: string; codexHome: string }> {
  const mock = await startMockUpstream({ tokens: 200, interTokenMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const settingsFile = join(dir, "models.json");
  writeFileSync(settingsFile, JSON.stringify(benchSettings(mock.url)));
  const codexHome = join(dir, "codex-home");
  mkdirSync(codexHome);
  writeFileSync(join(codexHome, "auth.json"), JSON.stringify({ tokens: { access_token: "bench-not-a-real-token", account_id: "bench" } }));
  Object.assign(process.env, { CODEX_HOME: codexHome, CODEX_SHIM_CHATGPT_BASE_URL: `${mock.url}/text/chatgpt`, CODEX_SHIM_DISABLE_CURSOR: "1" });
  return { mock, dir, settingsFile, codexHome };
}
