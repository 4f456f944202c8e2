/**
 * Gives memory back once the server is idle after a burst of load. V8 keeps the heap pages a
 * burst freed in its page pool, resident: after 64 concurrent 250 KB requests and a full GC the
 * heap's spaces hold ~44 MiB but V8's 256 KiB pages ~86 MiB, and neither an ordinary full GC nor
 * V8's memory reducer (20 s idle) returns them. A memory-reducing GC (`gc({ flavor:
 * "last-resort" })`) does (docs/performance.md, "RSS"). It runs only when the process has been
 * (nearly) idle for a whole check interval and RSS has grown by `growthBytes` since the last
 * release (or since start), so a busy server never pauses for it and an idle one at most once
 * per burst.
 */
export interface IdleMemoryReleaseOptions {
  /** Node's exposed `gc` (`--expose-gc`, one of the server's Node flags); without it nothing runs. */
  gc: NodeJS.GCFunction | undefined;
  /** How often to look (ms). */
  everyMs?: number;
  /** RSS growth over the last floor that makes a release worth its CPU (measured 14 ms at 5 MiB live heap, 21 ms at 16). */
  growthBytes?: number;
  /** CPU time over an interval below this fraction of it counts as idle. */
  idleCpuFraction?: number;
  /** Seams for tests. */
  rss?: () => number;
  cpuMicros?: () => number;
  setInterval?: (fn: () => void, ms: number) => { unref?(): void };
  clearInterval?: (t: unknown) => void;
}

export const IDLE_RELEASE_DEFAULTS = { everyMs: 2000, growthBytes: 16 * 1024 * 1024, idleCpuFraction: 0.02 } as const;

export function releaseMemoryWhenIdle(o: IdleMemoryReleaseOptions): { stop(): void; readonly releases: number } {
  const gc = o.gc;
  if (!gc) return { stop() {}, releases: 0 };
  const everyMs = o.everyMs ?? IDLE_RELEASE_DEFAULTS.everyMs;
  const growth = o.growthBytes ?? IDLE_RELEASE_DEFAULTS.growthBytes;
  const idleMicros = everyMs * 1000 * (o.idleCpuFraction ?? IDLE_RELEASE_DEFAULTS.idleCpuFraction);
  const rss = o.rss ?? (() => process.memoryUsage.rss());
  const cpuMicros =
    o.cpuMicros ??
    (() => {
      const c = process.cpuUsage();
      return c.user + c.system;
    });
  let floor = rss();
  let lastCpu = cpuMicros();
  let releases = 0;
  const timer = (o.setInterval ?? setInterval)(() => {
    const cpu = cpuMicros();
    const idle = cpu - lastCpu < idleMicros;
    const now = rss();
    if (idle && now > floor + growth) {
      gc({ type: "major", execution: "sync", flavor: "last-resort" });
      releases++;
      floor = rss();
    } else if (now < floor) floor = now;
    // the release's own CPU does not count against the next interval
    lastCpu = cpuMicros();
  }, everyMs);
  timer.unref?.();
  return {
    stop: () => (o.clearInterval ?? clearInterval)(timer as never),
    get releases() {
      return releases;
    },
  };
}
