/**
 * `npm run bench`: Codex-shaped requests (bench/codex-shaped-requests.ts: the real Codex 0.169
 * tool list and history, grown to ~30 KB, ~250 KB and ~1 MB, plus the old one-word body as one
 * row) on the chat route, the Anthropic route and `/v1/messages`, text and tool-call streams,
 * each sent (a) straight to a loopback mock upstream, (b) through a minimal byte pass-through
 * proxy, (c) through codex-shim, interleaved in one run. For each size it prints the JSON floor
 * (parse + stringify + encode of that body in this Node), the added time to first token, CPU per
 * request, then throughput at concurrency 16/64 (30 KB), RSS (median of 3 fresh processes; 1 with
 * --quick) and cold start, with the targets.
 *
 * Options: --quick (fewer samples, no 250 KB row in the matrix; it is still used for RSS), --json FILE (write the figures),
 * --profile (shim child under `node --cpu-prof`, profile in bench/profiles/), --only ROUTE/KIND
 * (e.g. chat/text; matrix cells to run), --matrix-only (skip throughput, RSS and cold start).
 */
import { Agent } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../cli/daemon/server-node-flags.ts";
import { startBenchFixture } from "./bench-fixture.ts";
import { percentile, sortNums, streamOnce } from "./stream-client.ts";
import { cpuUs, startChild, type ChildServer } from "./child-server.ts";
import { runIncrementalTurnsBench } from "./ws-incremental-turns.ts";
import { runHttpIncrementalTurnsBench } from "./http-incremental-turns.ts";
import { buildSizes, endpointsFor, KINDS, ROUTES, TARGETS, type Endpoint, type Target } from "./bench-scenarios.ts";
import { coldStart, measureRss, medianRss, routerCachedDecisionAdded, runConcurrent } from "./bench-phases.ts";

const args = process.argv.slice(2);
const QUICK = args.includes("--quick");
/** Node flags for the shim child: the daemon's own, unless BENCH_SHIM_EXEC_ARGV overrides them (experiments; "" = none). */
const SHIM_EXEC_ARGV = process.env.BENCH_SHIM_EXEC_ARGV !== undefined ? process.env.BENCH_SHIM_EXEC_ARGV.split(" ").filter(Boolean) : [...SERVER_NODE_FLAGS];
const PROFILE = args.includes("--profile");
const JSON_OUT = args.includes("--json") ? args[args.indexOf("--json") + 1] : undefined;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ONLY = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const MATRIX_ONLY = args.includes("--matrix-only");

const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "-");
const pad = (s: string, n: number) => s.padStart(n);

async function cpuMsPerRequest(child: ChildServer, ep: Endpoint, n: number): Promise<number> {
  const before = await cpuUs(child);
  await runConcurrent(ep, 1, { count: n });
  return ((await cpuUs(child)) - before) / n / 1000;
}

async function main() {
  // the mock, the settings, and the ChatGPT subscription passthrough pointed at the mock (a fake login; the children inherit this env)
  const { mock, settingsFile } = await startBenchFixture("codex-shim-bench-");
  const profDir = here("./profiles");
  if (PROFILE) mkdirSync(profDir, { recursive: true });
  const proxy = await startChild("passthrough", here("./passthrough-child.mjs"), [mock.url]);
  const shim = await startChild("shim", here("./shim-child-entry.mjs"), [settingsFile], { execArgv: [...SHIM_EXEC_ARGV, ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [])], env: SERVER_ENV });
  const agents: Record<Target, Agent> = { direct: new Agent({ keepAlive: true, maxSockets: 512 }), passthrough: new Agent({ keepAlive: true, maxSockets: 512 }), shim: new Agent({ keepAlive: true, maxSockets: 512 }) };
  const urls = { mock: mock.url, proxy: proxy.url, shim: shim.url };
  const sizes = buildSizes(QUICK, mock.url);
  const results: Record<string, unknown> = { node: process.version, platform: `${process.platform}/${process.arch}`, tokens: mock.shape.tokens, date: new Date().toISOString(), quick: QUICK };

  log(`\ncodex-shim bench — node ${process.version}, ${mock.shape.tokens}-token streams, loopback, concurrency 1, a/b/c interleaved`);
  log("body sizes: " + sizes.map((s) => `${s.label} = ${(s.bytes / 1024).toFixed(1)} KiB (JSON floor ${fmt(s.floorMs)} ms)`).join(", "));
  log("\nsize       route      stream  floor |  TTFT p50: direct   pass   shim  shim−pass  target | CPU/req: pass   shim   c/b  target");
  const matrix: Record<string, unknown>[] = [];
  const checks: [string, boolean, string][] = [];
  for (const size of sizes) {
    if (QUICK && size.label.startsWith("~250")) continue;
    const n = size.bytes > 500_000 ? (QUICK ? 6 : 14) : size.bytes > 100_000 ? (QUICK ? 10 : 24) : QUICK ? 16 : 40;
    for (const route of ROUTES) {
      for (const kind of KINDS) {
        if (ONLY && ONLY !== `${route}/${kind}`) continue;
        if (route === "chatgpt" && kind === "tool") continue; // one ChatGPT base URL per process: text only
        const eps = endpointsFor(size, route, kind, urls, agents);
        for (const t of TARGETS) {
          const r = await streamOnce(eps[t].agent, eps[t].url, eps[t].body, eps[t].marker, undefined, eps[t].headers);
          if (!r.ok || r.ttft < 0) throw new Error(`${size.label} ${route}/${kind} ${t}: sanity request failed (${r.status} ${r.error ?? ""} ${r.tail.slice(-300)})`);
          await runConcurrent(eps[t], 1, { count: 3 });
        }
        const ttft: Record<Target, number[]> = { direct: [], passthrough: [], shim: [] };
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < 3; k++) {
            const t = TARGETS[(i + k) % 3];
            const r = await streamOnce(eps[t].agent, eps[t].url, eps[t].body, eps[t].marker, undefined, eps[t].headers);
            if (!r.ok) throw new Error(`${t}: request failed during the latency run (${r.status} ${r.error ?? ""})`);
            ttft[t].push(r.ttft);
          }
        }
        const p50 = (t: Target) => percentile(sortNums(ttft[t]), 50);
        const cpu = { passthrough: 0, shim: 0 };
        for (let block = 0; block < 2; block++) {
          const order: ["passthrough" | "shim", ChildServer][] = block % 2 ? [["shim", shim], ["passthrough", proxy]] : [["passthrough", proxy], ["shim", shim]];
          for (const [t, child] of order) cpu[t] += (await cpuMsPerRequest(child, eps[t], Math.ceil(n / 2))) / 2;
        }
        const added = p50("shim") - p50("passthrough");
        const ttftTarget = size.floorMs + 0.3;
        const cpuTarget = size.label.startsWith("~30") ? Math.min(1.3 * cpu.passthrough, cpu.passthrough + 1.5 * size.floorMs) : cpu.passthrough + 1.5 * size.floorMs;
        const row = { size: size.label, bytes: route === "messages" ? size.messagesBytes : size.bytes, route, kind, floor_ms: size.floorMs, ttft_p50: { direct: p50("direct"), passthrough: p50("passthrough"), shim: p50("shim") }, added_vs_passthrough: added, cpu_ms: cpu, cpu_ratio: cpu.shim / cpu.passthrough, ttft_target: ttftTarget, cpu_target: cpuTarget };
        matrix.push(row);
        const okT = added <= ttftTarget;
        const okC = cpu.shim <= cpuTarget;
        if (size.bytes > 1000) {
          checks.push([`${size.label} ${route}/${kind}: added TTFT ≤ floor + 0.3 ms`, okT, `${fmt(added)} ≤ ${fmt(ttftTarget)}`]);
          checks.push([`${size.label} ${route}/${kind}: CPU ≤ ${size.label.startsWith("~30") ? "1.3× pass-through" : "pass-through + 1.5× floor"}`, okC, `${fmt(cpu.shim)} ≤ ${fmt(cpuTarget)}`]);
        }
        log(`${size.label.padEnd(10)} ${route.padEnd(10)} ${kind.padEnd(6)} ${pad(fmt(size.floorMs), 5)} | ${pad(fmt(p50("direct")), 16)} ${pad(fmt(p50("passthrough")), 6)} ${pad(fmt(p50("shim")), 6)} ${pad(fmt(added), 10)} ${size.bytes > 1000 ? (okT ? "  PASS" : "  MISS") : "     -"} | ${pad(fmt(cpu.passthrough), 13)} ${pad(fmt(cpu.shim), 6)} ${pad(fmt(cpu.shim / cpu.passthrough), 5)} ${size.bytes > 1000 ? (okC ? "  PASS" : "  MISS") : "     -"}`);
      }
    }
  }
  results.matrix = matrix;
  if (MATRIX_ONLY) {
    for (const a of Object.values(agents)) a.destroy();
    await proxy.stop();
    await shim.stop();
    await mock.close();
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
    return;
  }

  // throughput at concurrency 16 and 64 with ~30 KB bodies, chat route, blocks interleaved
  const s30 = sizes.find((s) => s.label.startsWith("~30"))!;
  const tEps = endpointsFor(s30, "chat", "text", urls, agents);

  const router = await routerCachedDecisionAdded(tEps.shim, QUICK ? 100 : 300);
  results.router_cached_decision_added_ttft_ms = router;
  checks.push(["auto-router cached decision adds ≤ 0.1 ms TTFT p50 (30 KB)", router.p50 <= 0.1, `${fmt(router.p50, 3)} ms`]);
  log(`\nauto-router, cached decision (~30 KB): TTFT added vs the same request for a concrete slug: p50 ${fmt(router.p50)} ms, p99 ${fmt(router.p99)} ms`);
  const tput: Record<string, Record<Target, number>> = {};
  for (const conc of [16, 64]) {
    const sum: Record<Target, { done: number; s: number; errors: number }> = { direct: { done: 0, s: 0, errors: 0 }, passthrough: { done: 0, s: 0, errors: 0 }, shim: { done: 0, s: 0, errors: 0 } };
    for (let block = 0; block < (QUICK ? 1 : 3); block++) {
      for (let k = 0; k < 3; k++) {
        const t = TARGETS[(k + block) % 3];
        const r = await runConcurrent(tEps[t], conc, { seconds: QUICK ? 2 : 4 });
        sum[t].done += r.done;
        sum[t].s += r.seconds;
        sum[t].errors += r.errors;
      }
    }
    tput[conc] = { direct: sum.direct.done / sum.direct.s, passthrough: sum.passthrough.done / sum.passthrough.s, shim: sum.shim.done / sum.shim.s };
    const ratio = tput[conc].shim / tput[conc].passthrough;
    const errs = sum.direct.errors + sum.passthrough.errors + sum.shim.errors;
    checks.push([`throughput @${conc} (30 KB) ≥ 0.9× pass-through`, ratio >= 0.9, `${fmt(ratio)}×`]);
    log(`\nthroughput @${String(conc).padEnd(3)} with ~30 KB bodies (streams/s): direct ${fmt(tput[conc].direct, 0)}, pass-through ${fmt(tput[conc].passthrough, 0)}, codex-shim ${fmt(tput[conc].shim, 0)}  (c/b ${fmt(ratio)})${errs ? `  ERRORS: ${errs}` : ""}`);
  }
  results.throughput_30kb = tput;

  // RSS with 250 KB bodies, fresh processes (the phases above grew the first children's heaps)
  const s250 = sizes.find((s) => s.label.startsWith("~250")) ?? sizes.at(-1)!;
  const rssRuns: Awaited<ReturnType<typeof measureRss>>[] = [];
  for (let i = 0; i < (QUICK ? 1 : 3); i++) rssRuns.push(await measureRss({ mock, settingsFile, shimExecArgv: SHIM_EXEC_ARGV, size: s250, quick: QUICK, here }));
  const shimRss = medianRss(rssRuns.map((r) => r.shim));
  const passRss = medianRss(rssRuns.map((r) => r.passthrough));
  const rss = { shim: shimRss.median, passthrough: passRss.median };
  results.rss_mib = { ...rss, runs: rssRuns };
  const sr = shimRss.range;
  log(`\nRSS with ${s250.label} bodies (MiB${rssRuns.length > 1 ? `, median of ${rssRuns.length} fresh processes (min–max)` : ""}): codex-shim idle ${fmt(rss.shim.idle, 1)}${sr("idle")}, concurrency 1 peak ${fmt(rss.shim.c1, 1)}${sr("c1")}, 64 concurrent streams peak ${fmt(rss.shim.c64, 1)}${sr("c64")}, 5 s after the load ${fmt(rss.shim.after, 1)}${sr("after")}; pass-through idle ${fmt(rss.passthrough.idle, 1)}, c1 ${fmt(rss.passthrough.c1, 1)}, c64 ${fmt(rss.passthrough.c64, 1)}${passRss.range("c64")}`);
  checks.push([`RSS concurrency 1, ${s250.label} ≤ 100 MiB`, rss.shim.c1 <= 100, `${fmt(rss.shim.c1, 1)} MiB`]);
  checks.push([`RSS 64 concurrent ${s250.label} streams ≤ 250 MiB`, rss.shim.c64 <= 250, `${fmt(rss.shim.c64, 1)} MiB`]);
  checks.push(["RSS back to baseline after load (≤ idle + 15 MiB)", rss.shim.after <= rss.shim.idle + 15, `${fmt(rss.shim.after, 1)} vs idle ${fmt(rss.shim.idle, 1)} MiB`]);

  const starts: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) starts.push(await coldStart(settingsFile, here("../cli/bin.mjs")));
  const cold = percentile(sortNums(starts), 50);
  results.cold_start_ms = { p50: cold, all: starts };
  checks.push(["cold start ≤ 300 ms", cold <= 300, `${fmt(cold, 0)} ms`]);
  log(`cold start to first /health (ms): p50 ${fmt(cold, 0)} (${starts.map((s) => s.toFixed(0)).join(", ")})`);

  // CPU per agent turn at a 30 KB and a 1 MB history: WebSocket continuations vs HTTP (bench/ws-incremental-turns.ts)
  const turns = await runIncrementalTurnsBench({ quick: QUICK, execArgv: SHIM_EXEC_ARGV, log });
  results.ws_incremental_turns = turns;
  checks.push(["WebSocket turn CPU at 1 MB ≤ 1.2× at 30 KB history", turns.ratio <= 1.2, `${fmt(turns.ratio)}× (user space ${fmt(turns.userRatio)}×)`]);

  // the same loop over HTTP (whole history every turn): reuse of the previous turn's translation on and off (bench/http-incremental-turns.ts)
  const httpTurns = await runHttpIncrementalTurnsBench({ quick: QUICK, execArgv: SHIM_EXEC_ARGV, log });
  results.http_incremental_turns = httpTurns;
  const mb = httpTurns.at(-1)!;
  checks.push(["HTTP turn reuse pays at 1 MB (CPU < 0.9× translating all)", mb.reuse_cpu_ms < 0.9 * mb.fresh_cpu_ms, `${fmt(mb.reuse_cpu_ms / mb.fresh_cpu_ms)}×`]);
  for (const t of httpTurns) {
    const target = t.passthrough_cpu_ms + 1.5 * t.floor_ms;
    checks.push([`HTTP session turn CPU, ${Math.round(t.history_bytes / 1024)} KB history ≤ pass-through + 1.5× floor`, t.reuse_cpu_ms <= target, `${fmt(t.reuse_cpu_ms)} vs ${fmt(target)} ms`]);
    checks.push([`HTTP session turn time added, ${Math.round(t.history_bytes / 1024)} KB history ≤ floor + 0.3 ms`, t.added_turn_ms_p50 <= t.floor_ms + 0.3, `${fmt(t.added_turn_ms_p50)} vs ${fmt(t.floor_ms + 0.3)} ms`]);
  }

  results.targets = Object.fromEntries(checks.map(([k, ok, v]) => [k, { ok, value: v }]));
  log(`\ntargets: ${checks.filter((c) => c[1]).length} of ${checks.length} met`);
  for (const [k, ok, v] of checks) log(`  ${ok ? "PASS" : "MISS"}  ${k.padEnd(58)} ${v}`);

  for (const a of Object.values(agents)) a.destroy();
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
