/**
 * Throughput and CPU per request of codex-shim trees under concurrent load, A/B in one run: one
 * shim child per tree (its own code, Node flags and environment) and the pass-through proxy,
 * each given `--seconds` of load at `--concurrency` in rotating order, `--rounds` times. Every
 * request is a new session's first turn (bench/cold-bodies.ts), as in `npm run bench`.
 *
 * Usage: node bench/ab-throughput.ts TREE_A [TREE_B …] [--bytes 30000] [--concurrency 64] [--seconds 6] [--rounds 3]
 */
import { Agent } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { treeArgs } from "./tree-args.ts";
import { startBenchFixture } from "./bench-fixture.ts";
import { startChild, cpuUs, type ChildServer } from "./child-server.ts";
import { endpointsFor, type Endpoint, type SizeCase } from "./bench-scenarios.ts";
import { codexShapedBody } from "./codex-shaped-requests.ts";
import { runConcurrent } from "./bench-phases.ts";
import { percentile, sortNums } from "./stream-client.ts";

const { trees, opt } = treeArgs(process.argv.slice(2), ["--bytes", "--concurrency", "--seconds", "--rounds"], "node bench/ab-throughput.ts TREE_A [TREE_B …] [--bytes 30000] [--concurrency 64] [--seconds 6] [--rounds 3]");
const BYTES = Number(opt("--bytes", "30000"));
const C = Number(opt("--concurrency", "64"));
const SECONDS = Number(opt("--seconds", "6"));
const ROUNDS = Number(opt("--rounds", "3"));
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const { mock, settingsFile } = await startBenchFixture("codex-shim-ab-tp-");
const made = codexShapedBody(BYTES, "MODEL");
const size: SizeCase = { label: `${BYTES}`, bytes: made.bytes, floorMs: 0, responses: made.json, messages: "{}", messagesBytes: 2 };

interface Subject {
  name: string;
  child: ChildServer;
  ep: Endpoint;
  rps: number[];
  cpuMs: number[];
}
const agent = () => new Agent({ keepAlive: true, maxSockets: 256 });
const subjects: Subject[] = [];
const proxy = await startChild("passthrough", here("./passthrough-child.mjs"), [mock.url]);
subjects.push({ name: "pass-through", child: proxy, ep: endpointsFor(size, "chat", "text", { mock: mock.url, proxy: proxy.url, shim: proxy.url }, { direct: agent(), passthrough: agent(), shim: agent() }).passthrough, rps: [], cpuMs: [] });
for (const t of trees) {
  const own = (await import(join(t, "cli/daemon/server-node-flags.ts"))) as { SERVER_NODE_FLAGS: readonly string[]; SERVER_ENV?: Record<string, string> };
  const child = await startChild(t, join(t, "bench/shim-child-entry.mjs"), [settingsFile], { execArgv: [...own.SERVER_NODE_FLAGS, "--expose-gc"], env: own.SERVER_ENV ?? {} });
  subjects.push({ name: t, child, ep: endpointsFor(size, "chat", "text", { mock: mock.url, proxy: proxy.url, shim: child.url }, { direct: agent(), passthrough: agent(), shim: agent() }).shim, rps: [], cpuMs: [] });
}
try {
  for (const s of subjects) await runConcurrent(s.ep, 4, { count: 40 });
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[(i + round) % subjects.length];
      const cpu0 = await cpuUs(s.child);
      const r = await runConcurrent(s.ep, C, { seconds: SECONDS });
      const cpu = (await cpuUs(s.child)) - cpu0;
      if (r.errors) throw new Error(`${s.name}: ${r.errors} requests failed`);
      s.rps.push(r.done / r.seconds);
      s.cpuMs.push(cpu / 1000 / r.done);
    }
  }
  const med = (xs: number[]) => percentile(sortNums(xs), 50);
  const ref = med(subjects[0].rps);
  console.log(`\nchat/text, ${(made.bytes / 1024).toFixed(0)} KiB first turns, concurrency ${C}, ${SECONDS} s × ${ROUNDS} rounds (medians)`);
  for (const s of subjects) console.log(`${s.name.padEnd(40)} ${med(s.rps).toFixed(1).padStart(7)} req/s  ${(med(s.rps) / ref).toFixed(2)}×  CPU ${med(s.cpuMs).toFixed(2)} ms/request`);
} finally {
  for (const s of subjects) await s.child.stop();
  await mock.close?.();
}
