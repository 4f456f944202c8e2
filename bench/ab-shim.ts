/**
 * A/B comparison of codex-shim trees under the same load: one shim child per tree (each started
 * from that tree's bench/shim-child-entry.mjs, so each runs its own code), the pass-through proxy
 * as the reference, the same Codex-shaped requests interleaved in rotating order. On a shared
 * machine absolute figures drift; the ratios within one run are what to read.
 *
 * Usage: node --expose-gc bench/ab-shim.ts TREE_A [TREE_B …] [--bytes 30000] [--route chat] [--kind text]
 *        [--rounds 8] [--n 25]
 * (TREE = a checkout of codex-shim, e.g. /work/main and a worktree; routes as in `npm run bench`.)
 */
import { Agent } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { treeArgs } from "./tree-args.ts";
import { startBenchFixture } from "./bench-fixture.ts";
import { startChild, cpuUs, type ChildServer } from "./child-server.ts";
import { benchSettings, endpointsFor, type Endpoint, type Route, type SizeCase } from "./bench-scenarios.ts";
import { codexShapedBody, jsonFloorMs, tinyBody } from "./codex-shaped-requests.ts";
import { streamOnce, sortNums, percentile } from "./stream-client.ts";
import { SERVER_ENV } from "../cli/daemon/server-node-flags.ts";
import type { StreamKind } from "./mock-stream-scripts.ts";
import { convertResponsesRequestToAnthropic } from "../adapters/anthropic/convert-responses-request-to-anthropic.ts";
import { parseSettings } from "../adapters/settings/parse-settings.ts";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";

const { trees, opt } = treeArgs(process.argv.slice(2), ["--bytes", "--route", "--kind", "--rounds", "--n"], "node --expose-gc bench/ab-shim.ts TREE_A [TREE_B …] [--bytes 30000] [--route chat] [--kind text] [--rounds 8] [--n 25]");
const BYTES = Number(opt("--bytes", "30000"));
const ROUTE = opt("--route", "chat") as Route;
const KIND = opt("--kind", "text") as StreamKind;
const ROUNDS = Number(opt("--rounds", "8"));
const N = Number(opt("--n", "25"));
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const { mock, settingsFile } = await startBenchFixture("codex-shim-ab-");

const made = BYTES > 0 ? codexShapedBody(BYTES, "MODEL") : tinyBody("MODEL");
const anthropicRow = parseSettings(benchSettings(mock.url), null).models.find((m) => m.slug === "anthropic-text")!;
const messages = JSON.stringify({ ...convertResponsesRequestToAnthropic(JSON.parse(made.json) as ResponsesRequest, anthropicRow, []).body, model: "MODEL", stream: true });
const size: SizeCase = { label: `${BYTES}`, bytes: made.bytes, floorMs: jsonFloorMs(made.json), responses: made.json, messages, messagesBytes: Buffer.byteLength(messages) };

const proxy = await startChild("passthrough", here("./passthrough-child.mjs"), [mock.url]);
const shims: ChildServer[] = [];
for (const t of trees) {
  // each tree with its own Node flags and environment (so a flag change can be A/B'd too)
  const own = (await import(join(t, "cli/daemon/server-node-flags.ts"))) as { SERVER_NODE_FLAGS: readonly string[]; SERVER_ENV?: Record<string, string> };
  shims.push(await startChild(t, join(t, "bench/shim-child-entry.mjs"), [settingsFile], { execArgv: [...own.SERVER_NODE_FLAGS, "--expose-gc"], env: own.SERVER_ENV ?? SERVER_ENV }));
}

interface Subject {
  name: string;
  child: ChildServer;
  ep: Endpoint;
  cpu: number[];
  ttft: number[];
}
const agentFor = () => new Agent({ keepAlive: true, maxSockets: 64 });
const subjects: Subject[] = [
  { name: "pass-through", child: proxy, ep: endpointsFor(size, ROUTE, KIND, { mock: mock.url, proxy: proxy.url, shim: proxy.url }, { direct: agentFor(), passthrough: agentFor(), shim: agentFor() }).passthrough, cpu: [], ttft: [] },
  ...shims.map((child, i) => ({ name: trees[i], child, ep: endpointsFor(size, ROUTE, KIND, { mock: mock.url, proxy: proxy.url, shim: child.url }, { direct: agentFor(), passthrough: agentFor(), shim: agentFor() }).shim, cpu: [], ttft: [] })),
];

async function once(s: Subject): Promise<number> {
  const r = await streamOnce(s.ep.agent, s.ep.url, s.ep.body, s.ep.marker, undefined, s.ep.headers);
  if (!r.ok) throw new Error(`${s.name}: HTTP ${r.status} ${r.error ?? r.tail.slice(0, 300)}`);
  return r.ttft;
}

// warm-up
for (const s of subjects) for (let i = 0; i < 20; i++) await once(s);
for (let round = 0; round < ROUNDS; round++) {
  const order = subjects.map((_, i) => subjects[(i + round) % subjects.length]);
  // CPU blocks, rotating order
  for (const s of order) {
    await s.child.stats({ gc: true });
    const before = await cpuUs(s.child);
    for (let i = 0; i < N; i++) await once(s);
    s.cpu.push(((await cpuUs(s.child)) - before) / N / 1000);
  }
  // TTFT samples, interleaved one by one
  for (let i = 0; i < N; i++) for (const s of order) s.ttft.push(await once(s));
}

const median = (xs: number[]) => percentile(sortNums(xs), 50);
console.log(`\n${ROUTE}/${KIND}, ${(size.bytes / 1024).toFixed(1)} KiB bodies (JSON floor ${size.floorMs.toFixed(2)} ms), ${ROUNDS} rounds × ${N} requests`);
console.log("subject".padEnd(40) + "CPU/req median (min–max)      TTFT p50   vs pass-through: CPU×  TTFT+");
const ref = subjects[0];
for (const s of subjects) {
  const cpu = median(s.cpu);
  const ttft = median(s.ttft);
  const range = `${Math.min(...s.cpu).toFixed(2)}–${Math.max(...s.cpu).toFixed(2)}`;
  console.log(`${s.name.slice(-39).padEnd(40)}${cpu.toFixed(2).padStart(6)} ms (${range})`.padEnd(70) + `${ttft.toFixed(2).padStart(6)} ms   ${(cpu / median(ref.cpu)).toFixed(2).padStart(5)}×  ${(ttft - median(ref.ttft)).toFixed(2).padStart(6)} ms`);
}
for (const s of shims) await s.stop();
await proxy.stop();
await mock.close();
process.exit(0);
