/**
 * `npm run soak` (bounded, not in CI): repeated waves of concurrent streams through codex-shim
 * running as a child process, with a full GC after each wave; reports heap and RSS per wave and
 * fails (exit 1) when the retained heap keeps growing.
 *
 * Options: --rounds N (default 12), --requests N per round (default 1500), --concurrency N
 * (default 64), --max-growth-mib N (default 8: allowed retained-heap growth from the 3rd round to
 * the last).
 */
import { Agent } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockUpstream } from "./mock-upstream.ts";
import { streamOnce } from "./stream-client.ts";
import { startChild } from "./child-server.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const ROUNDS = opt("--rounds", 12);
const REQUESTS = opt("--requests", 1500);
const CONCURRENCY = opt("--concurrency", 64);
const MAX_GROWTH = opt("--max-growth-mib", 8);
const mb = (n: number) => (n / 1048576).toFixed(1);

const mock = await startMockUpstream({ tokens: 200, interTokenMs: 0 });
const dir = mkdtempSync(join(tmpdir(), "codex-shim-soak-"));
const settingsFile = join(dir, "models.json");
writeFileSync(settingsFile, JSON.stringify({ models: [{ model: "bench-model", slug: "bench", provider: "openai", base_url: `${mock.url}/v1`, api_key: "sk-soak" }] }));
const shim = await startChild("shim", fileURLToPath(new URL("./shim-child.ts", import.meta.url)), [settingsFile], { execArgv: ["--expose-gc"] });
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
const url = new URL(`${shim.url}/v1/responses`);
const expected = mock.expectedText();
// a tool-using body too, so the conversation cache and argument paths are exercised
const bodies = [
  JSON.stringify({ model: "bench", stream: true, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }] }),
  JSON.stringify({ model: "bench", stream: false, input: "go", tools: [{ type: "function", name: "shell", parameters: { type: "object" } }] }),
];

console.log(`soak: ${ROUNDS} rounds × ${REQUESTS} requests at concurrency ${CONCURRENCY} (200-token streams)`);
console.log("round   errors   heap after GC (MiB)   RSS (MiB)   seconds");
const heaps: number[] = [];
let failures = 0;
for (let round = 1; round <= ROUNDS; round++) {
  const t0 = performance.now();
  let left = REQUESTS;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) {
        const r = await streamOnce(agent, url, bodies[left % 2], left % 2 ? '"output_text"' : "output_text.delta");
        if (!r.ok || !r.tail.includes(expected.slice(-40))) errors++;
      }
    }),
  );
  const s = await shim.stats({ gc: true });
  heaps.push(s.heapUsed);
  failures += errors;
  console.log(`${String(round).padStart(5)}   ${String(errors).padStart(6)}   ${mb(s.heapUsed).padStart(19)}   ${mb(s.rss).padStart(9)}   ${((performance.now() - t0) / 1000).toFixed(1).padStart(7)}`);
}
agent.destroy();
await shim.stop();
await mock.close();

const from = heaps[Math.min(2, heaps.length - 1)];
const growth = (heaps.at(-1)! - from) / 1048576;
console.log(`\nretained heap growth from round ${Math.min(3, heaps.length)} to ${heaps.length}: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MiB (limit ${MAX_GROWTH}); errors: ${failures}`);
if (failures || growth > MAX_GROWTH) {
  console.log("SOAK FAILED");
  process.exit(1);
}
console.log("soak passed");
