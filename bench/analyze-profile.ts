/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package/file,
 * so the hot path can be read without a GUI. Usage: node bench/analyze-profile.ts FILE [topN]
 */
import { readFileSync } from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

export function summarizeProfile(file: string, top = 25): string {
  const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fnTime = new Map<string, number>();
  const fileTime = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const where = f.url.replace(/^file:\/\//, "").replace(/.*\/node_modules\//, "npm:").replace(/.*\/(adapters|server|machines|bench|cli)\//, "$1/");
    const fn = `${f.functionName || "(anonymous)"} ${where ? `${where}:${f.lineNumber + 1}` : ""}`.trim();
    fnTime.set(fn, (fnTime.get(fn) ?? 0) + us);
    const pkg = where.startsWith("npm:") ? where.split("/").slice(0, where.startsWith("npm:@") ? 2 : 1).join("/") : where.startsWith("node:") ? where.split("/")[0].replace(/^node:internal.*/, "node:internal") : where || `(${f.functionName})`;
    fileTime.set(pkg, (fileTime.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join("\n");
  return `total sampled: ${(total / 1000).toFixed(0)} ms\n\nself time by package/file:\n${rows(fileTime, 15)}\n\nself time by function:\n${rows(fnTime, top)}`;
}

/** Inclusive time (self + callees) of the named functions, counted once per sample. */
export function inclusiveTimes(file: string, names: string[]): string {
  const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>(names.map((n) => [n, 0]));
  for (let i = 0; i < prof.samples.length; i++) {
    const seen = new Set<string>();
    for (let cur: number | undefined = prof.samples[i]; cur !== undefined; cur = parent.get(cur)) {
      const fn = byId.get(cur)!.callFrame.functionName;
      if (totals.has(fn) && !seen.has(fn)) {
        seen.add(fn);
        totals.set(fn, totals.get(fn)! + (prof.timeDeltas[i] ?? 0));
      }
    }
  }
  return [...totals].map(([n, us]) => `${(us / 1000).toFixed(0).padStart(6)} ms  ${n}`).join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[3] === "--inclusive") console.log(inclusiveTimes(process.argv[2], process.argv[4].split(",")));
  else console.log(summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25)));
}
