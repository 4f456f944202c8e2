/**
 * /proc/PID/smaps grouped the way RSS questions need it: glibc's brk heap, the thread stacks,
 * file-backed code and data, and anonymous mappings by size class (V8 pages are 256 KiB chunks;
 * glibc's mmap'd buffers and arenas are other sizes). Usage: node bench/smaps-summary.ts PID
 */
import { readFileSync } from "node:fs";

export function smapsSummary(pid: number): string {
  const text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  const groups = new Map<string, { n: number; size: number; rss: number }>();
  let cur: { key: string; size: number } | null = null;
  for (const line of text.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) {
      const size = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 1024;
      const name = head[3].trim();
      let key: string;
      if (name === "[heap]") key = "[heap] (brk malloc)";
      else if (name.startsWith("[stack")) key = "[stack]";
      else if (name.startsWith("/")) key = name.includes("/node") && !name.endsWith(".so") ? "node binary" : name.endsWith(".so") || name.includes(".so.") ? "shared libs" : "other files";
      else if (name) key = name;
      else key = size >= 65536 ? "anon ≥ 64 MiB" : size >= 8192 ? "anon 8–64 MiB" : size >= 1024 ? "anon 1–8 MiB" : size === 256 ? (parseInt(head[1], 16) % 262144 === 0 ? "anon 256 KiB, aligned (V8 page)" : "anon 256 KiB, unaligned") : size > 256 ? "anon 256 KiB–1 MiB" : "anon < 256 KiB";
      cur = { key, size };
      const g = groups.get(key) ?? { n: 0, size: 0, rss: 0 };
      g.n++;
      g.size += size;
      groups.set(key, g);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && cur) groups.get(cur.key)!.rss += Number(rss[1]);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].rss - a[1].rss)
    .map(([k, g]) => `  ${k.padEnd(28)} ${String(g.n).padStart(5)} maps ${(g.size / 1024).toFixed(1).padStart(9)} MiB mapped ${(g.rss / 1024).toFixed(1).padStart(7)} MiB RSS`)
    .join("\n");
}

if (import.meta.main) console.log(smapsSummary(Number(process.argv[2])));
