import { getHeapSpaceStatistics } from "node:v8";

/** Messages between the bench runner and its child servers (shim, pass-through proxy). */
export type ChildMessage = { type: "ready"; port: number } | { type: "stats"; cpuUserUs: number; cpuSystemUs: number; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; spaces?: string };
export type ParentMessage = { type: "stats"; gc?: boolean };

/** Answers stats requests over IPC; `gc` runs a full collection first when the child has --expose-gc. */
export function serveStats(): void {
  process.on("message", (m: ParentMessage) => {
    if (m?.type !== "stats") return;
    const g = (globalThis as { gc?: () => void }).gc;
    if (m.gc && g) {
      g();
      g();
    }
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    if (process.connected) process.send?.({ type: "stats", cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers, spaces: heapSpaces() } satisfies ChildMessage);
  });
  process.on("disconnect", () => process.exit(0));
}

/** V8's heap spaces, committed (physical) / used MiB, for RSS questions. */
function heapSpaces(): string {
  const m = (n: number) => (n / 1048576).toFixed(1);
  return getHeapSpaceStatistics()
    .filter((s) => s.physical_space_size > 0)
    .map((s) => `${s.space_name.replace(/_space$/, "")} ${m(s.physical_space_size)}/${m(s.space_used_size)}`)
    .join(", ");
}
