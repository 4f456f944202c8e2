/**
 * RSS of codex-shim trees under the bench's memory phases, A/B in one run: for each tree the real
 * daemon (`cli/bin.mjs serve`, as `codex-shim start` spawns it: with that tree's own Node flags and
 * environment, cli/daemon/server-node-flags.ts) and/or the bench's shim child (bench/shim-child-entry.mjs, which can run a full GC
 * on request), plus the pass-through proxy as the reference. Every measurement is a fresh process;
 * rounds rotate the order. Phases (as `measureRss` in bench-phases.ts): idle after 20 warm-up
 * requests, peak at concurrency 1, peak under 64 concurrent paced streams, then after the load:
 * at once, after a full GC (shim child only) and after `--settle` seconds idle (V8's memory
 * reducer). RSS from /proc (VmRSS; peaks from VmHWM, reset per phase), so every process is
 * measured the same way; the last round also prints /proc/PID/smaps_rollup after the load.
 *
 * Usage: node bench/ab-rss.ts TREE_A [TREE_B …] [--bytes 250000] [--rounds 3] [--what daemon,child,passthrough]
 *        [--c1 15] [--c64 64] [--settle 5] [--smaps]   (--smaps: /proc/PID/smaps by kind, idle and after, last round)
 */
import { Agent } from "node:http";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { treeArgs } from "./tree-args.ts";
import { startBenchFixture } from "./bench-fixture.ts";
import { startChild, type ChildServer } from "./child-server.ts";
import { endpointsFor, type SizeCase } from "./bench-scenarios.ts";
import { codexShapedBody } from "./codex-shaped-requests.ts";
import { freePort, runConcurrent } from "./bench-phases.ts";
import { percentile, sortNums } from "./stream-client.ts";
import { smapsSummary } from "./smaps-summary.ts";

const argv = process.argv.slice(2);
const { trees, opt } = treeArgs(argv, ["--bytes", "--rounds", "--what", "--c1", "--c64", "--settle"], "node bench/ab-rss.ts TREE_A [TREE_B …] [--bytes 250000] [--rounds 3] [--what daemon,child,passthrough] [--c1 15] [--c64 64] [--settle 5] [--smaps]");
const BYTES = Number(opt("--bytes", "250000"));
const ROUNDS = Number(opt("--rounds", "3"));
const WHAT = new Set(opt("--what", "daemon,child,passthrough").split(","));
const C1 = Number(opt("--c1", "15"));
const C64 = Number(opt("--c64", "64"));
const SETTLE_S = Number(opt("--settle", "5"));
const DETAIL = argv.includes("--smaps");
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const { mock, dir, settingsFile, codexHome } = await startBenchFixture("codex-shim-ab-rss-");
const childEnv0 = { CODEX_HOME: codexHome, CODEX_SHIM_HOME: join(dir, "state"), CODEX_SHIM_DISABLE_CURSOR: "1" };

const made = codexShapedBody(BYTES, "MODEL");
const size: SizeCase = { label: `${BYTES}`, bytes: made.bytes, floorMs: 0, responses: made.json, messages: "{}", messagesBytes: 2 };

const mib = (kb: number) => kb / 1024;
function procStatus(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(s)?.[1] ?? NaN);
  return { rss: mib(kb("VmRSS")), hwm: mib(kb("VmHWM")) };
}
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}
function smapsRollup(pid: number): string {
  const s = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return ["Rss", "Anonymous", "Private_Dirty", "Shared_Clean", "Private_Clean"].map((k) => `${k} ${mib(Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN)).toFixed(1)}`).join(", ");
}
/** RSS of the process by /proc's peak counter while `work` runs (MiB). */
async function peakDuring(pid: number, work: Promise<unknown>): Promise<number> {
  resetPeak(pid);
  await work;
  return procStatus(pid).hwm;
}

/** smaps and heap figures at the highest RSS seen while `work` runs (sampled every 100 ms). */
async function sampleAtPeak(s: Subject, work: Promise<unknown>): Promise<string> {
  let done = false;
  const finish = () => (done = true);
  work.then(finish, finish);
  let best = { rss: 0, text: "" };
  while (!done) {
    const { rss } = procStatus(s.pid);
    if (rss > best.rss) best = { rss, text: `  RSS ${rss.toFixed(1)}\n${smapsSummary(s.pid)}${s.heapNoGc ? `\n  ${await s.heapNoGc()}` : ""}` };
    await new Promise((r) => setTimeout(r, 100));
  }
  return best.text;
}

interface Subject {
  name: string;
  pid: number;
  url: string;
  gc?: () => Promise<void>;
  heap?: () => Promise<string>;
  heapNoGc?: () => Promise<string>;
  stop(): Promise<void>;
}

/** The Node flags and environment a tree's own daemon is spawned with (its cli/daemon/server-node-flags.ts). */
async function serverLaunchOf(tree: string): Promise<{ flags: readonly string[]; env: Record<string, string | undefined> }> {
  const m = (await import(join(tree, "cli/daemon/server-node-flags.ts"))) as { SERVER_NODE_FLAGS: readonly string[]; SERVER_ENV?: Record<string, string> };
  return { flags: m.SERVER_NODE_FLAGS, env: { ...(m.SERVER_ENV ?? {}), ...process.env, ...childEnv0 } };
}

async function startDaemon(tree: string): Promise<Subject> {
  const port = await freePort();
  const { flags, env } = await serverLaunchOf(tree);
  const child: ChildProcess = spawn(process.execPath, [...flags, join(tree, "cli/bin.mjs"), "--settings", settingsFile, "--port", String(port), "serve"], { cwd: dir, stdio: "ignore", env });
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (Date.now() - t0 > 20_000) throw new Error(`${tree}: daemon gave no /health answer within 20 s`);
    try {
      const r = await fetch(`${url}/health`);
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return {
    name: `daemon ${tree}`,
    pid: child.pid!,
    url,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res();
        child.once("exit", () => res());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

function fromChild(name: string, c: ChildServer): Subject {
  return {
    name,
    pid: c.pid,
    url: c.url,
    gc: async () => void (await c.stats({ gc: true })),
    heapNoGc: () => heapOf(c, false),
    heap: () => heapOf(c, true),
    stop: () => c.stop(),
  };
}

async function heapOf(c: ChildServer, gc: boolean): Promise<string> {
  const s = await c.stats({ gc });
  const m = (n: number) => (n / 1048576).toFixed(1);
  return `heapUsed ${m(s.heapUsed)}, heapTotal ${m(s.heapTotal)}, external ${m(s.external)}, arrayBuffers ${m(s.arrayBuffers)}${s.spaces ? `; V8 spaces committed/used: ${s.spaces}` : ""}`;
}

type Figures = Record<"idle" | "c1" | "c64" | "after" | "afterGc" | "settled", number>;
const results = new Map<string, Figures[]>();
const notes: string[] = [];

async function measure(label: string, start: () => Promise<Subject>, last: boolean): Promise<void> {
  const s = await start();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const ep = endpointsFor(size, "chat", "text", { mock: mock.url, proxy: s.url, shim: s.url }, { direct: agent, passthrough: agent, shim: agent });
  const e = label.startsWith("pass-through") ? ep.passthrough : ep.shim;
  try {
    await runConcurrent(e, 2, { count: 20 });
    await s.gc?.();
    await new Promise((r) => setTimeout(r, 200));
    const idle = procStatus(s.pid).rss;
    const idleSmaps = last && DETAIL ? smapsSummary(s.pid) : "";
    const c1 = await peakDuring(s.pid, runConcurrent(e, 1, { count: C1 }));
    const c1Smaps = last && DETAIL ? `${smapsSummary(s.pid)}${s.heapNoGc ? `\n  ${await s.heapNoGc()}` : ""}` : "";
    mock.shape.interTokenMs = 10;
    const c64Work = runConcurrent(e, 64, { count: C64 });
    const c64Sample = last && DETAIL ? sampleAtPeak(s, c64Work) : Promise.resolve("");
    const c64 = await peakDuring(s.pid, c64Work);
    const c64Smaps = await c64Sample;
    mock.shape.interTokenMs = 0;
    agent.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const after = procStatus(s.pid).rss;
    let afterGc = NaN;
    if (s.gc) {
      await s.gc();
      afterGc = procStatus(s.pid).rss;
    }
    await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
    const settled = procStatus(s.pid).rss;
    results.set(label, [...(results.get(label) ?? []), { idle, c1, c64, after, afterGc, settled }]);
    if (last) notes.push(`${label}: after the load, smaps_rollup: ${smapsRollup(s.pid)}${s.heap ? `; ${await s.heap()}` : ""}`);
    if (last && DETAIL) notes.push(`${label}: smaps at idle\n${idleSmaps}\n${label}: smaps at the end of the c1 phase (no GC)\n${c1Smaps}\n${label}: at the highest RSS sampled during the c64 phase\n${c64Smaps}\n${label}: smaps after the load\n${smapsSummary(s.pid)}`);
  } finally {
    mock.shape.interTokenMs = 0;
    agent.destroy();
    await s.stop();
  }
}

const subjects: [string, () => Promise<Subject>][] = [];
if (WHAT.has("passthrough")) subjects.push(["pass-through", async () => fromChild("pass-through", await startChild("passthrough", here("./passthrough-child.mjs"), [mock.url], { execArgv: ["--expose-gc"] }))]);
for (const t of trees) {
  if (WHAT.has("daemon")) subjects.push([`daemon ${t}`, () => startDaemon(t)]);
  if (WHAT.has("child"))
    subjects.push([
      `child ${t}`,
      async () => {
        const { flags, env } = await serverLaunchOf(t);
        return fromChild(t, await startChild(t, join(t, "bench/shim-child-entry.mjs"), [settingsFile], { execArgv: [...flags, "--expose-gc"], env: env as Record<string, string> }));
      },
    ]);
}
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < subjects.length; i++) {
    const [label, start] = subjects[(i + round) % subjects.length];
    await measure(label, start, round === ROUNDS - 1);
  }
}

const med = (xs: number[]) => (xs.some((x) => !Number.isNaN(x)) ? percentile(sortNums(xs.filter((x) => !Number.isNaN(x))), 50) : NaN);
console.log(`\nRSS (MiB), chat/text, ${(made.bytes / 1024).toFixed(0)} KiB bodies, median of ${ROUNDS} fresh processes each (min–max); c1: ${C1} requests, c64: ${C64} paced streams; settled = ${SETTLE_S} s idle after the load`);
const cols: (keyof Figures)[] = ["idle", "c1", "c64", "after", "afterGc", "settled"];
console.log("subject".padEnd(44) + cols.map((c) => c.padStart(15)).join(""));
for (const [label] of subjects) {
  const rs = results.get(label) ?? [];
  const cells = cols.map((c) => {
    const xs = rs.map((r) => r[c]);
    if (xs.every((x) => Number.isNaN(x))) return "–".padStart(15);
    return `${med(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`.padStart(15);
  });
  console.log(label.slice(-43).padEnd(44) + cells.join(""));
}
for (const n of notes) console.log(n);
await mock.close();
process.exit(0);
