/**
 * RSS of a fresh Node process after importing one module (a dependency, a server module, the CLI),
 * with the daemon's Node flags and environment and Node's compile cache on, after a full GC.
 * Each row is the median of several fresh processes (after one warm-up run that fills the compile
 * cache). The last row is the real daemon (`cli/bin.mjs serve`) after its first `/health` answer.
 *
 * Usage: node bench/module-footprint.ts [TREE …] [--runs 5] [--only a,b]
 * (TREE = a checkout of codex-shim, default this one; several trees are measured interleaved.)
 */
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "../cli/daemon/server-node-flags.ts";
import { freePort } from "./bench-phases.ts";
import { percentile, sortNums } from "./stream-client.ts";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const trees = argv.filter((a, i) => !a.startsWith("--") && !["--runs", "--only"].includes(argv[i - 1] ?? "")).map((t) => resolve(t));
if (!trees.length) trees.push(fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, ""));
const RUNS = Number(opt("--runs", "5"));
const dir = mkdtempSync(join(tmpdir(), "codex-shim-footprint-"));
const tsConstant = join(dir, "constant.ts");
writeFileSync(tsConstant, "export const x: number = 1;\n");
const settingsFile = join(dir, "models.json");
writeFileSync(settingsFile, JSON.stringify({ models: [{ model: "m", slug: "chat-text", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-not-a-real-key" }] }));

/** label → what to import (relative to the tree; "" imports nothing). */
const ROWS: [string, string][] = [
  ["bare node", ""],
  ["a .ts constant, from the compile cache", tsConstant],
  ["a .ts constant, compile cache off (amaro)", `nocache:${tsConstant}`],
  ["undici", "undici"],
  ["h3", "h3"],
  ["crossws/server/node", "crossws/server/node"],
  ["xstate", "xstate"],
  ["clipanion", "clipanion"],
  ["confbox", "confbox"],
  ["@electron/asar", "@electron/asar"],
  ["eventsource-parser", "eventsource-parser"],
  ["superstruct", "superstruct"],
  ["node:sqlite", "node:sqlite"],
  ["server/start-server.ts", "./server/start-server.ts"],
  ["cli/main.ts", "./cli/main.ts"],
];
const only = opt("--only", "");
const rows = only ? ROWS.filter(([l]) => only.split(",").some((o) => l.includes(o))) : ROWS;

const childEnv = { ...SERVER_ENV, ...process.env, CODEX_SHIM_HOME: dir };
const script = (spec: string) =>
  `const m = await import("node:module"); m.enableCompileCache?.();` +
  (spec ? `await import(${JSON.stringify(spec)});` : "") +
  `gc(); gc(); await new Promise((r) => setTimeout(r, 100)); gc();` +
  `process.stdout.write(String(process.memoryUsage().rss));`;

function importRss(tree: string, spec: string): number {
  const noCache = spec.startsWith("nocache:");
  const env = noCache ? { ...childEnv, NODE_DISABLE_COMPILE_CACHE: "1" } : childEnv;
  const out = execFileSync(process.execPath, [...SERVER_NODE_FLAGS, "--expose-gc", "--input-type=module", "-e", script(noCache ? spec.slice(8) : spec)], { cwd: tree, env, encoding: "utf8" });
  return Number(out) / 1048576;
}

function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The real daemon, `codex-shim serve` as `start` spawns it: RSS after the first /health answer (+0.5 s). */
async function daemonRss(tree: string): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(tree, "cli/bin.mjs"), "--settings", settingsFile, "--port", String(port), "serve"], { cwd: tree, stdio: "ignore", env: childEnv });
  try {
    const t0 = Date.now();
    for (;;) {
      if (Date.now() - t0 > 15_000) throw new Error(`${tree}: no /health answer within 15 s`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        await r.arrayBuffer();
        if (r.ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    return vmRss(child.pid!);
  } finally {
    // a graceful stop, as `codex-shim stop` does: Node writes the compile cache at exit
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(kill);
  }
}

const results = new Map<string, number[]>();
const key = (tree: string, label: string) => `${tree}\0${label}`;
const measure = async (tree: string, label: string, spec: string | null) => (spec === null ? daemonRss(tree) : importRss(tree, spec));
const all: [string, string | null][] = [...rows, ["daemon: codex-shim serve (after /health)", null]];
for (const tree of trees) for (const [label, spec] of all) await measure(tree, label, spec); // fill the compile caches
for (let run = 0; run < RUNS; run++) {
  for (const [label, spec] of all) {
    for (let i = 0; i < trees.length; i++) {
      const tree = trees[(i + run) % trees.length];
      const k = key(tree, label);
      results.set(k, [...(results.get(k) ?? []), await measure(tree, label, spec)]);
    }
  }
}

console.log(`RSS in MiB, median of ${RUNS} fresh processes (min–max); flags ${SERVER_NODE_FLAGS.join(" ")}, ${Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`).join(" ")}`);
console.log("what is imported".padEnd(44) + trees.map((t) => t.slice(-22).padStart(24)).join(""));
for (const [label] of all) {
  const cells = trees.map((t) => {
    const xs = sortNums(results.get(key(t, label)) ?? []);
    return `${percentile(xs, 50).toFixed(1)} (${xs[0].toFixed(0)}–${xs[xs.length - 1].toFixed(0)})`.padStart(24);
  });
  console.log(label.padEnd(44) + cells.join(""));
}
