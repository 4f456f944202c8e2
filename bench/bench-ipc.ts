/** Messages between the bench runner and its child servers (shim, pass-through proxy). */
export type ChildMessage = { type: "ready"; port: number } | { type: "stats"; cpuUserUs: number; cpuSystemUs: number; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
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
    if (process.connected) process.send?.({ type: "stats", cpuUserUs: cpu.user, cpuSystemUs: cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers } satisfies ChildMessage);
  });
  process.on("disconnect", () => process.exit(0));
}
