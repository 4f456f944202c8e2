/**
 * `npm run bench`: the same streaming requests (a) straight to a loopback mock upstream, (b)
 * through a minimal byte pass-through proxy, (c) through codex-shim, interleaved in one run.
 * Prints TTFB/TTFT percentiles, proxy CPU per request, throughput at concurrency 16 and 64, RSS
 * under 256 concurrent streams and cold start, with the ratios c/a and c/b and the targets.
 *
 * Options: --quick (fewer samples), --json FILE (write the figures), --profile (run the shim
 * child under `node --cpu-prof`, profile written to bench/profiles/).
 */
import { Agent } from "node:http";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { spawn } from "node:child_process";
import { SERVER_NODE_FLAGS } from "../cli/daemon/server-node-flags.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMockUpstream, type MockUpstream } from "./mock-upstream.ts";
import { percentile, sortNums, streamOnce } from "./stream-client.ts";
import { startChild, type ChildServer } from "./child-server.ts";

const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
/** Node flags for the shim child: the daemon's own, unless BENCH_SHIM_EXEC_ARGV overrides them (experiments; "" = none). */
const SHIM_EXEC_ARGV = process.env.BENCH_SHIM_EXEC_ARGV !== undefined ? process.env.BENCH_SHIM_EXEC_ARGV.split(" ").filter(Boolean) : [...SERVER_NODE_FLAGS];
const PROFILE = args.includes("--profile");
const JSON_OUT = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

type Target = "direct" | "passthrough" | "shim";
const TARGETS: Target[] = ["direct", "passthrough", "shim"];

interface Endpoint {
  url: URL;
  body: string;
  marker: string;
  agent: Agent;
}

const chatBody = JSON.stringify({ model: "bench-model", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "go" }] });
const responsesBody = JSON.stringify({
  model: "bench",
  stream: true,
  instructions: "You are a coding agent.",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }],
  tools: [],
  store: false,
  include: ["reasoning.encrypted_content"],
  reasoning: { effort: "medium", summary: "auto" },
});

const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "-");

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function runConcurrent(ep: Endpoint, concurrency: number, opts: { count?: number; seconds?: number }): Promise<{ done: number; errors: number; seconds: number }> {
  const t0 = performance.now();
  const deadline = opts.seconds ? t0 + opts.seconds * 1000 : Infinity;
  let left = opts.count ?? Infinity;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0 && performance.now() < deadline) {
        const r = await streamOnce(ep.agent, ep.url, ep.body, ep.marker);
        if (r.ok) done++;
        else errors++;
      }
    }),
  );
  return { done, errors, seconds: (performance.now() - t0) / 1000 };
}

async function coldStart(settingsFile: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, here("../cli/bin.mjs"), "--settings", settingsFile, "--port", String(port), "serve"], { stdio: "ignore" });
  try {
    for (;;) {
      if (performance.now() - t0 > 15_000) throw new Error("cold start: no /health answer within 15 s");
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        await r.arrayBuffer();
        if (r.ok) return performance.now() - t0;
      } catch {
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    child.kill("SIGKILL");
  }
}

async function main() {
  const mock: MockUpstream = await startMockUpstream({ tokens: 200, interTokenMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), "codex-shim-bench-"));
  const settingsFile = join(dir, "models.json");
  const benchRow = (slug: string) => ({ model: "bench-model", slug, provider: "openai", base_url: `${mock.url}/v1`, api_key: "sk-bench-not-a-real-key" });
  // The auto-router (heuristic classifier: no model call) for phase 1b; `bench` requests never touch it.
  const router = { enabled: true, classifier: "heuristic", candidates: [{ slug: "bench", cost: 1 }, { slug: "bench-2", cost: 2 }] };
  writeFileSync(settingsFile, JSON.stringify({ models: [benchRow("bench"), benchRow("bench-2")], router }));
  const profDir = here("./profiles");
  if (PROFILE) mkdirSync(profDir, { recursive: true });
  const proxy: ChildServer = await startChild("passthrough", here("./passthrough-child.ts"), [mock.url]);
  const shim: ChildServer = await startChild("shim", here("./shim-child-entry.mjs"), [settingsFile], { execArgv: [...SHIM_EXEC_ARGV, ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [])] });
  const agentFor = () => new Agent({ keepAlive: true, maxSockets: 512 });
  const eps: Record<Target, Endpoint> = {
    direct: { url: new URL(`${mock.url}/v1/chat/completions`), body: chatBody, marker: '"content":"', agent: agentFor() },
    passthrough: { url: new URL(`${proxy.url}/v1/chat/completions`), body: chatBody, marker: '"content":"', agent: agentFor() },
    shim: { url: new URL(`${shim.url}/v1/responses`), body: responsesBody, marker: "output_text.delta", agent: agentFor() },
  };
  const results: Record<string, unknown> = { node: process.version, platform: `${process.platform}/${process.arch}`, tokens: mock.shape.tokens, date: new Date().toISOString() };

  // sanity + warm-up (JIT, pools)
  for (const t of TARGETS) {
    const r = await streamOnce(eps[t].agent, eps[t].url, eps[t].body, eps[t].marker);
    if (!r.ok || r.ttft < 0) throw new Error(`${t}: sanity request failed (${r.status} ${r.error ?? ""})`);
    await runConcurrent(eps[t], 4, { count: QUICK ? 100 : 400 });
  }

  // 1. latency at concurrency 1, interleaved a/b/c with rotating order
  const rounds = QUICK ? 3 : 7;
  const perRound = QUICK ? 40 : 100;
  const lat: Record<Target, { ttfb: number[]; ttft: number[]; total: number[] }> = {
    direct: { ttfb: [], ttft: [], total: [] },
    passthrough: { ttfb: [], ttft: [], total: [] },
    shim: { ttfb: [], ttft: [], total: [] },
  };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < perRound; i++) {
      for (let k = 0; k < 3; k++) {
        const t = TARGETS[(i + k + r) % 3];
        const res = await streamOnce(eps[t].agent, eps[t].url, eps[t].body, eps[t].marker);
        if (!res.ok) throw new Error(`${t}: request failed during the latency run (${res.status} ${res.error ?? ""})`);
        lat[t].ttfb.push(res.ttfb);
        lat[t].ttft.push(res.ttft);
        lat[t].total.push(res.total);
      }
    }
  }
  const p = (t: Target, k: "ttfb" | "ttft" | "total", q: number) => percentile(sortNums(lat[t][k]), q);
  log(`\ncodex-shim bench — node ${process.version}, ${mock.shape.tokens}-token streams, loopback; ${rounds * perRound} requests per target at concurrency 1 (interleaved)\n`);
  log("latency (ms)           direct   pass-through   codex-shim   added vs direct   added vs pass-through");
  const latency: Record<string, unknown> = {};
  for (const [k, label] of [["ttfb", "TTFB"], ["ttft", "first text delta"], ["total", "whole stream"]] as const) {
    for (const q of [50, 99]) {
      const a = p("direct", k, q);
      const b = p("passthrough", k, q);
      const c = p("shim", k, q);
      latency[`${k}_p${q}`] = { direct: a, passthrough: b, shim: c, added_vs_direct: c - a, added_vs_passthrough: c - b, ratio_c_a: c / a, ratio_c_b: c / b };
      log(`${`${label} p${q}`.padEnd(22)} ${fmt(a).padStart(6)}   ${fmt(b).padStart(12)}   ${fmt(c).padStart(10)}   ${fmt(c - a).padStart(15)}   ${fmt(c - b).padStart(21)}   (c/a ${fmt(c / a)}, c/b ${fmt(c / b)})`);
    }
  }
  results.latency = latency;

  // 1b. the classify state with a cached decision: the same Codex turn through `codex-auto`
  //     (decided once, then served from the turn's decision) against the same request for `bench`.
  const autoEp: Endpoint = { ...eps.shim, body: JSON.stringify({ ...JSON.parse(responsesBody), model: "codex-auto", client_metadata: { thread_id: "bench-thread", turn_id: "bench-turn" } }) };
  const pair: Record<"shim" | "auto", number[]> = { shim: [], auto: [] };
  for (let i = 0; i < (QUICK ? 200 : 600); i++) {
    for (const t of (i % 2 ? ["auto", "shim"] : ["shim", "auto"]) as ("shim" | "auto")[]) {
      const res = await streamOnce(eps.shim.agent, eps.shim.url, t === "auto" ? autoEp.body : eps.shim.body, eps.shim.marker);
      if (!res.ok) throw new Error(`${t}: request failed during the router run (${res.status} ${res.error ?? ""})`);
      pair[t].push(res.ttft);
    }
  }
  const router50 = percentile(sortNums(pair.auto), 50) - percentile(sortNums(pair.shim), 50);
  const router99 = percentile(sortNums(pair.auto), 99) - percentile(sortNums(pair.shim), 99);
  results.router_cached_decision_added_ttft_ms = { p50: router50, p99: router99 };
  log(`auto-router, cached decision: TTFT added vs the same request for a concrete slug: p50 ${fmt(router50)} ms, p99 ${fmt(router99)} ms`);

  // 2. CPU per streamed request in the proxy process (pass-through vs shim), alternating blocks
  const cpuN = QUICK ? 200 : 600;
  const cpu: Record<string, number> = { passthrough: 0, shim: 0 };
  for (let block = 0; block < 4; block++) {
    for (const [t, child] of (block % 2 ? [["shim", shim], ["passthrough", proxy]] : [["passthrough", proxy], ["shim", shim]]) as [Target, ChildServer][]) {
      const before = await child.stats();
      await runConcurrent(eps[t], 8, { count: cpuN / 4 });
      const after = await child.stats();
      cpu[t] += after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs;
    }
  }
  const cpuPer = { passthrough: cpu.passthrough / cpuN / 1000, shim: cpu.shim / cpuN / 1000 };
  results.cpu_ms_per_request = { ...cpuPer, ratio_c_b: cpuPer.shim / cpuPer.passthrough };
  log(`\nCPU per streamed request (proxy process): pass-through ${fmt(cpuPer.passthrough, 3)} ms, codex-shim ${fmt(cpuPer.shim, 3)} ms  (c/b ${fmt(cpuPer.shim / cpuPer.passthrough)})`);

  // 3. throughput at concurrency 16 and 64, blocks interleaved
  const tput: Record<string, Record<Target, number>> = {};
  for (const conc of [16, 64]) {
    const sum: Record<Target, { done: number; s: number; errors: number }> = { direct: { done: 0, s: 0, errors: 0 }, passthrough: { done: 0, s: 0, errors: 0 }, shim: { done: 0, s: 0, errors: 0 } };
    for (let block = 0; block < (QUICK ? 1 : 3); block++) {
      for (let k = 0; k < 3; k++) {
        const t = TARGETS[(k + block) % 3];
        const r = await runConcurrent(eps[t], conc, { seconds: QUICK ? 2 : 4 });
        sum[t].done += r.done;
        sum[t].s += r.seconds;
        sum[t].errors += r.errors;
      }
    }
    tput[conc] = { direct: sum.direct.done / sum.direct.s, passthrough: sum.passthrough.done / sum.passthrough.s, shim: sum.shim.done / sum.shim.s };
    const errs = sum.direct.errors + sum.passthrough.errors + sum.shim.errors;
    log(`throughput @${String(conc).padEnd(3)} (streams/s): direct ${fmt(tput[conc].direct, 0)}, pass-through ${fmt(tput[conc].passthrough, 0)}, codex-shim ${fmt(tput[conc].shim, 0)}  (c/b ${fmt(tput[conc].shim / tput[conc].passthrough)}, c/a ${fmt(tput[conc].shim / tput[conc].direct)})${errs ? `  ERRORS: ${errs}` : ""}`);
  }
  results.throughput = Object.fromEntries(Object.entries(tput).map(([c, v]) => [c, { ...v, ratio_c_b: v.shim / v.passthrough, ratio_c_a: v.shim / v.direct }]));

  // 4. RSS under 256 concurrent (paced) streams, in fresh processes: the phases above grew the
  //    first children's heaps, which V8 does not hand back promptly.
  mock.shape.interTokenMs = 10;
  const rss: Record<string, number> = {};
  const freshProxy = await startChild("passthrough-rss", here("./passthrough-child.ts"), [mock.url]);
  const freshShim = await startChild("shim-rss", here("./shim-child-entry.mjs"), [settingsFile], { execArgv: SHIM_EXEC_ARGV });
  const rssEps: Record<"passthrough" | "shim", Endpoint> = {
    passthrough: { ...eps.passthrough, url: new URL(`${freshProxy.url}/v1/chat/completions`) },
    shim: { ...eps.shim, url: new URL(`${freshShim.url}/v1/responses`) },
  };
  for (const [t, child] of [["passthrough", freshProxy], ["shim", freshShim]] as ["passthrough" | "shim", ChildServer][]) {
    await runConcurrent(rssEps[t], 4, { count: 40 }); // warm: pools, JIT
    const idle = await child.stats({ gc: false });
    let peak = idle.rss;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await child.stats()).rss);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const r = await runConcurrent(rssEps[t], 256, { count: 256 * 2 });
    sampling = false;
    await sampler;
    rss[t] = peak / 1048576;
    rss[`${t}_idle`] = idle.rss / 1048576;
    if (r.errors) log(`  ${t}: ${r.errors} errors under 256 streams`);
  }
  mock.shape.interTokenMs = 0;
  await freshProxy.stop();
  await freshShim.stop();
  results.rss_mib_256_streams = rss;
  log(`RSS under 256 concurrent streams (MiB): pass-through ${fmt(rss.passthrough, 1)} (idle ${fmt(rss.passthrough_idle, 1)}), codex-shim ${fmt(rss.shim, 1)} (idle ${fmt(rss.shim_idle, 1)})`);

  // 5. cold start of `node cli/main.ts serve` to the first /health answer
  const starts: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) starts.push(await coldStart(settingsFile));
  const cold = percentile(sortNums(starts), 50);
  results.cold_start_ms = { p50: cold, all: starts };
  log(`cold start to first /health (ms): p50 ${fmt(cold, 0)} (${starts.map((s) => s.toFixed(0)).join(", ")})`);

  // targets
  const L = latency as Record<string, { added_vs_direct: number }>;
  const checks: [string, boolean, string][] = [
    ["added TTFT p50 ≤ 1 ms", L.ttft_p50.added_vs_direct <= 1, `${fmt(L.ttft_p50.added_vs_direct)} ms`],
    ["added TTFT p99 ≤ 3 ms", L.ttft_p99.added_vs_direct <= 3, `${fmt(L.ttft_p99.added_vs_direct)} ms`],
    ["CPU/request ≤ 1.3× pass-through", cpuPer.shim / cpuPer.passthrough <= 1.3, `${fmt(cpuPer.shim / cpuPer.passthrough)}×`],
    ["throughput @16 ≥ 0.8× pass-through", tput[16].shim / tput[16].passthrough >= 0.8, `${fmt(tput[16].shim / tput[16].passthrough)}×`],
    ["throughput @64 ≥ 0.8× pass-through", tput[64].shim / tput[64].passthrough >= 0.8, `${fmt(tput[64].shim / tput[64].passthrough)}×`],
    ["RSS under 256 streams ≤ 120 MiB", rss.shim <= 120, `${fmt(rss.shim, 1)} MiB`],
    ["cold start ≤ 300 ms", cold <= 300, `${fmt(cold, 0)} ms`],
    ["auto-router cached decision adds ≤ 0.1 ms TTFT p50", router50 <= 0.1, `${fmt(router50, 3)} ms`],
  ];
  results.targets = Object.fromEntries(checks.map(([k, ok, v]) => [k, { ok, value: v }]));
  log("\ntargets:");
  for (const [k, ok, v] of checks) log(`  ${ok ? "PASS" : "MISS"}  ${k.padEnd(36)} ${v}`);

  for (const ep of Object.values(eps)) ep.agent.destroy();
  await proxy.stop();
  await shim.stop();
  await mock.close();
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
  if (PROFILE) log(`\nshim CPU profile written to ${profDir} (open in Chrome DevTools → Performance, or speedscope)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
