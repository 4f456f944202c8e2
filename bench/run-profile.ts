/**
 * Profiles the shim's hot path: runs the shim child under `node --cpu-prof`, sends N streaming
 * requests at a given concurrency, and prints the profile summary.
 * Usage: node bench/run-profile.ts [requests=3000] [concurrency=1] [body bytes=30000, 0 = the one-word body]
 */
import { Agent } from "node:http";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockUpstream } from "./mock-upstream.ts";
import { streamOnce } from "./stream-client.ts";
import { startChild } from "./child-server.ts";
import { summarizeProfile } from "./analyze-profile.ts";
import { codexShapedBody, tinyBody } from "./codex-shaped-requests.ts";

const N = Number(process.argv[2] ?? 3000);
const C = Number(process.argv[3] ?? 1);
const BYTES = Number(process.argv[4] ?? 30_000);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const mock = await startMockUpstream({ tokens: 200, interTokenMs: 0 });
const dir = mkdtempSync(join(tmpdir(), "codex-shim-prof-"));
const settingsFile = join(dir, "models.json");
writeFileSync(settingsFile, JSON.stringify({ models: [{ model: "bench-model", slug: "bench", provider: "openai", base_url: `${mock.url}/v1`, api_key: "sk-bench" }] }));
const profDir = join(dir, "prof");
mkdirSync(profDir);
const shim = await startChild("shim", here("./shim-child.ts"), [settingsFile], { execArgv: ["--cpu-prof", `--cpu-prof-dir=${profDir}`, "--cpu-prof-interval=100"] });
const agent = new Agent({ keepAlive: true });
const url = new URL(`${shim.url}/v1/responses`);
const body = (BYTES > 0 ? codexShapedBody(BYTES, "bench") : tinyBody("bench")).json;
let left = N;
await Promise.all(
  Array.from({ length: C }, async () => {
    while (left-- > 0) await streamOnce(agent, url, body, "output_text.delta");
  }),
);
agent.destroy();
await shim.stop();
await mock.close();
const file = join(profDir, readdirSync(profDir)[0]);
console.log(`profile: ${file}\n`);
console.log(summarizeProfile(file, 40));
