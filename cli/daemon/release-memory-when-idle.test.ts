import { describe, expect, it } from "vitest";
import { releaseMemoryWhenIdle } from "./release-memory-when-idle.ts";

const MiB = 1024 * 1024;

/** A scripted process: RSS and CPU the test sets, a manual timer, a gc that records its calls and frees what the script says. */
function scripted(startRss: number) {
  const s = { rss: startRss, cpu: 0, tick: (() => {}) as () => void, gcCalls: [] as unknown[], afterGc: startRss, stopped: false };
  const gc = ((opts: unknown) => {
    s.gcCalls.push(opts);
    s.rss = s.afterGc;
  }) as NodeJS.GCFunction;
  const release = releaseMemoryWhenIdle({
    gc,
    everyMs: 2000,
    rss: () => s.rss,
    cpuMicros: () => s.cpu,
    setInterval: (fn) => {
      s.tick = fn;
      return {};
    },
    clearInterval: () => {
      s.stopped = true;
    },
  });
  return { s, release };
}

describe("releaseMemoryWhenIdle", () => {
  it("runs one memory-reducing GC once the process is idle after RSS grew", () => {
    const { s, release } = scripted(80 * MiB);
    s.rss = 200 * MiB;
    s.cpu += 1_500_000; // busy interval: 1.5 s of CPU in 2 s
    s.tick();
    expect(s.gcCalls).toEqual([]);
    s.afterGc = 110 * MiB;
    s.cpu += 10_000; // idle: 10 ms of CPU in 2 s
    s.tick();
    expect(s.gcCalls).toEqual([{ type: "major", execution: "sync", flavor: "last-resort" }]);
    expect(release.releases).toBe(1);
    // still idle, RSS where the release left it: nothing more to do
    s.tick();
    s.tick();
    expect(s.gcCalls.length).toBe(1);
  });

  it("does nothing when RSS grew by less than the threshold, or while busy", () => {
    const { s } = scripted(80 * MiB);
    s.rss = 90 * MiB;
    s.tick();
    s.rss = 300 * MiB;
    for (let i = 0; i < 5; i++) {
      s.cpu += 500_000;
      s.tick();
    }
    expect(s.gcCalls).toEqual([]);
  });

  it("measures growth from the lowest idle RSS, so the next burst releases again", () => {
    const { s } = scripted(100 * MiB);
    s.rss = 90 * MiB; // RSS fell on its own: the floor follows
    s.tick();
    s.rss = 110 * MiB; // +20 over the new floor
    s.afterGc = 95 * MiB;
    s.tick();
    expect(s.gcCalls.length).toBe(1);
    s.rss = 120 * MiB; // +25 over 95
    s.tick();
    expect(s.gcCalls.length).toBe(2);
  });

  it("is a no-op without an exposed gc, and stops its timer", () => {
    const r = releaseMemoryWhenIdle({ gc: undefined });
    expect(r.releases).toBe(0);
    r.stop();
    const { s, release } = scripted(80 * MiB);
    release.stop();
    expect(s.stopped).toBe(true);
  });
});
