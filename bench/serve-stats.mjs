// The bench children's side of bench-ipc.ts, in plain JavaScript so that the pass-through child
// needs no TypeScript: Node's type stripper, once loaded, stays resident (+14 MiB RSS), which
// made the reference proxy look heavier than a byte relay is.
import { getHeapSpaceStatistics } from "node:v8";

/** Answers stats requests over IPC; `gc` runs a full collection first when the child has --expose-gc. */
export function serveStats() {
  process.on("message", (m) => {
    if (m?.type !== "stats") return;
    const g = globalThis.gc;
    if (m.gc && g) {
      g();
      g();
    }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    if (process.connected) process.send?.({ type: "stats", cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers, spaces: heapSpaces() });
  });
  process.on("disconnect", () => process.exit(0));
}

/** V8's heap spaces, committed (physical) / used MiB, for RSS questions. */
function heapSpaces() {
  const m = (n) => (n / 1048576).toFixed(1);
  return getHeapSpaceStatistics()
    .filter((s) => s.physical_space_size > 0)
    .map((s) => `${s.space_name.replace(/_space$/, "")} ${m(s.physical_space_size)}/${m(s.space_used_size)}`)
    .join(", ");
}
