import { Agent } from "node:http";
import { createServer } from "node:net";
import { spawn } from "node:child_process";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../cli/daemon/server-node-flags.ts";
import { percentile, sortNums, streamOnce } from "./stream-client.ts";
import { coldBodies } from "./cold-bodies.ts";
import { startChild, type ChildServer } from "./child-server.ts";
import { endpointsFor, type Endpoint, type SizeCase } from "./bench-scenarios.ts";
import type { MockUpstream } from "./mock-upstream.ts";

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** `concurrency` loops sending `ep`'s request until `count` are done or `seconds` have passed. */
export async function runConcurrent(ep: Endpoint, concurrency: number, opts: { count?: number; seconds?: number }): Promise<{ done: number; errors: number; seconds: number }> {
  const t0 = performance.now();
  const deadline = opts.seconds ? t0 + opts.seconds * 1000 : Infinity;
  let left = opts.count ?? Infinity;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0 && performance.now() < deadline) {
        const r = await streamOnce(ep.agent, ep.url, ep.body, ep.marker, undefined, ep.headers);
        if (r.ok) done++;
        else errors++;
      }
    }),
  );
  return { done, errors, seconds: (performance.now() - t0) / 1000 };
}

/** `codex-shim serve` from spawn to the first `/health` answer, ms. */
export async function coldStart(settingsFile: string, bin: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, bin, "--settings", settingsFile, "--port", String(port), "serve"], { stdio: "ignore", env: { ...SERVER_ENV, ...process.env } });
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

export interface RssFigures {
  idle: number;
  c1: number;
  c64: number;
  after: number;
  /** After the load and a full GC (MiB): the live JS heap, what V8 holds for it, and memory outside the heap (Buffers). */
  afterHeap: { used: number; total: number; external: number };
}

async function peakWhile(child: ChildServer, work: Promise<unknown>): Promise<number> {
  let peak = (await child.stats()).rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await child.stats()).rss);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await work;
  sampling = false;
  await sampler;
  return peak / 1048576;
}

const AFTER_LOAD_SETTLE_MS = 5000;

type RssFigure = "idle" | "c1" | "c64" | "after";

/** Each figure's median over runs of fresh processes (a peak under load depends on when V8's major GCs fall: one run is one sample), and its range for the log. */
export function medianRss(runs: readonly RssFigures[]): { median: RssFigures; range: (k: RssFigure) => string } {
  const of = (k: RssFigure) => sortNums(runs.map((r) => r[k]));
  const mid = (k: RssFigure) => percentile(of(k), 50);
  const middle = runs[Math.floor(runs.length / 2)];
  return {
    median: { idle: mid("idle"), c1: mid("c1"), c64: mid("c64"), after: mid("after"), afterHeap: middle.afterHeap },
    range: (k) => (runs.length > 1 ? ` (${of(k)[0].toFixed(0)}–${of(k).at(-1)!.toFixed(0)})` : ""),
  };
}

/**
 * RSS of fresh shim and pass-through processes with `size` bodies on the chat route: idle after a
 * warm-up, peak at concurrency 1, peak under 64 concurrent (paced) streams, and 5 s after the load
 * (then the heap after a full GC: the child runs with --expose-gc for that). bench/ab-rss.ts runs
 * the same phases A/B against other trees and on the real daemon.
 */
export async function measureRss(o: { mock: MockUpstream; settingsFile: string; shimExecArgv: string[]; size: SizeCase; quick: boolean; here: (p: string) => string }): Promise<Record<"shim" | "passthrough", RssFigures>> {
  const out = {} as Record<"shim" | "passthrough", RssFigures>;
  const proxy = await startChild("passthrough-rss", o.here("./passthrough-child.mjs"), [o.mock.url], { execArgv: ["--expose-gc"] });
  const shim = await startChild("shim-rss", o.here("./shim-child-entry.mjs"), [o.settingsFile], { execArgv: [...o.shimExecArgv, "--expose-gc"], env: SERVER_ENV });
  const agents = { direct: new Agent({ keepAlive: true }), passthrough: new Agent({ keepAlive: true, maxSockets: 256 }), shim: new Agent({ keepAlive: true, maxSockets: 256 }) };
  const eps = endpointsFor(o.size, "chat", "text", { mock: o.mock.url, proxy: proxy.url, shim: shim.url }, agents);
  try {
    for (const [t, child] of [["passthrough", proxy], ["shim", shim]] as const) {
      await runConcurrent(eps[t], 2, { count: 20 });
      const idle = (await child.stats({ gc: true })).rss / 1048576;
      const c1 = await peakWhile(child, runConcurrent(eps[t], 1, { count: o.quick ? 15 : 40 }));
      o.mock.shape.interTokenMs = 10;
      const c64 = await peakWhile(child, runConcurrent(eps[t], 64, { count: 64 * (o.quick ? 1 : 2) }));
      o.mock.shape.interTokenMs = 0;
      // what a user sees a few seconds after the burst: the server gives memory back once idle
      // (cli/daemon/release-memory-when-idle.ts, checked every 2 s), then the heap after a full GC
      await new Promise((r) => setTimeout(r, AFTER_LOAD_SETTLE_MS));
      const after = (await child.stats()).rss;
      const st = await child.stats({ gc: true });
      const mib = (n: number) => n / 1048576;
      out[t] = { idle, c1, c64, after: mib(after), afterHeap: { used: mib(st.heapUsed), total: mib(st.heapTotal), external: mib(st.external) } };
    }
  } finally {
    o.mock.shape.interTokenMs = 0;
    for (const a of Object.values(agents)) a.destroy();
    await proxy.stop();
    await shim.stop();
  }
  return out;
}

/**
 * The classify state with a cached decision: the same Codex turn through `codex-auto` (decided
 * once, then served from the turn's decision) against the same request for a concrete slug,
 * interleaved. Returns the added time to first token, p50 and p99 (ms).
 */
export async function routerCachedDecisionAdded(ep: Endpoint, n: number): Promise<{ p50: number; p99: number }> {
  const body = JSON.parse(ep.body) as Record<string, unknown>;
  const auto = coldBodies(JSON.stringify({ ...body, model: "codex-auto", client_metadata: { thread_id: "bench-thread", turn_id: "bench-turn" } }));
  const pair: Record<"shim" | "auto", number[]> = { shim: [], auto: [] };
  for (let i = 0; i < n; i++) {
    for (const t of (i % 2 ? ["auto", "shim"] : ["shim", "auto"]) as ("shim" | "auto")[]) {
      const res = await streamOnce(ep.agent, ep.url, t === "auto" ? auto(i) : ep.body, ep.marker);
      if (!res.ok) throw new Error(`${t}: request failed during the router run (${res.status} ${res.error ?? ""})`);
      pair[t].push(res.ttft);
    }
  }
  const q = (t: "shim" | "auto", p: number) => percentile(sortNums(pair[t]), p);
  return { p50: q("auto", 50) - q("shim", 50), p99: q("auto", 99) - q("shim", 99) };
}
