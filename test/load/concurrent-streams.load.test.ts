import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { startMockUpstream, type MockUpstream } from "../../bench/mock-upstream.ts";
import { streamOnce, type StreamResult } from "../../bench/stream-client.ts";

/**
 * 256 concurrent streaming requests through the real server for LOAD_SECONDS (default 60), then
 * memory back to baseline. Asserts errors, terminal events, answer integrity and memory — never
 * latency (CI has 2 shared cores). LOAD_SECONDS=10 for a quick local run.
 */
const CONCURRENCY = 256;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
/** Paced like a real model (~25 tokens/s) so the load is many long-lived streams, not a CPU burn. */
const SHAPE = { tokens: 120, interTokenMs: 35 };

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

let mock: MockUpstream;
let shim: TestShim;

beforeAll(async () => {
  mock = await startMockUpstream(SHAPE);
  shim = await startTestShim([{ model: "bench-model", slug: "m", provider: "openai", base_url: `${mock.url}/v1`, api_key: "sk-load" }]);
});
afterAll(async () => {
  await shim.close();
  await mock.close();
});

const body = JSON.stringify({ model: "m", stream: true, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }] });

function check(r: StreamResult, expected: string): string | null {
  if (!r.ok) return `HTTP ${r.status} ${r.error ?? ""}`;
  const at = r.tail.lastIndexOf("data: ");
  if (at < 0) return "no events";
  let ev: any;
  try {
    ev = JSON.parse(r.tail.slice(at + 6).trim());
  } catch {
    return "last event is not JSON";
  }
  if (ev.type !== "response.completed") return `terminal ${ev.type}: ${ev.response?.error?.message ?? ""}`;
  const text = ev.response.output?.[0]?.content?.[0]?.text;
  if (text !== expected) return "answer text damaged";
  if ((r.tail.match(/"type":"response\.(completed|failed|incomplete)"/g) ?? []).length !== 1) return "more than one terminal event";
  return null;
}

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().heapUsed;
}

describe("load", () => {
  it(`${CONCURRENCY} concurrent streams for ${SECONDS}s: no errors, memory back to baseline`, async () => {
    const url = new URL(`${shim.url}/v1/responses`);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const expected = mock.expectedText();

    // warm-up: one full wave, so pools and JIT are in their steady state before the baseline
    const warm = await Promise.all(Array.from({ length: CONCURRENCY }, () => streamOnce(agent, url, body, "output_text.delta", 60_000)));
    expect(warm.map((r) => check(r, expected)).filter(Boolean)).toEqual([]);
    const baseline = await settledHeap();

    const deadline = Date.now() + SECONDS * 1000;
    const errors: string[] = [];
    let completed = 0;
    let peakActive = 0;
    let active = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          active++;
          peakActive = Math.max(peakActive, active);
          const r = await streamOnce(agent, url, body, "output_text.delta", 60_000);
          active--;
          const problem = check(r, expected);
          if (problem) errors.push(problem);
          else completed++;
        }
      }),
    );
    agent.destroy();
    const after = await settledHeap();
    const growthMiB = (after - baseline) / 1024 / 1024;
    console.log(`[load] ${completed} streams completed in ${SECONDS}s at concurrency ${peakActive}; heap ${(baseline / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MiB (${growthMiB >= 0 ? "+" : ""}${growthMiB.toFixed(1)})`);

    expect(errors.slice(0, 5)).toEqual([]);
    expect(peakActive).toBe(CONCURRENCY);
    expect(completed).toBeGreaterThan(CONCURRENCY * 2);
    // every request actor finished
    expect(shim.ctx.traces.list().every((t) => t.final === "done")).toBe(true);
    expect(growthMiB).toBeLessThan(16);
  }, (SECONDS + 60) * 1000);
});
