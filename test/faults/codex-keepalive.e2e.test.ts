import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestShim, type TestShim, catalogOf } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { startFaultServer, sseChunk, sleep, type FaultServer } from "./fault-server.ts";

/**
 * A reasoning model that thinks silently for longer than Codex's `stream_idle_timeout_ms`: the
 * shim's keep-alive events (real `response.in_progress` events, not SSE comments, which Codex
 * ignores) must keep the REAL Codex CLI's idle timer alive without adding any output — with the
 * shim's DEFAULT cadence and the lowest idle timeout we promise to survive (2 s).
 */
const IDLE_MS = 2000;
const THINK_MS = 5000;

let up: FaultServer;
let withKeepAlive: TestShim;
let without: TestShim;

beforeAll(async () => {
  up = await startFaultServer(async ({ res }) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(sseChunk({ role: "assistant", content: "" }));
    await sleep(THINK_MS);
    if (res.destroyed) return;
    res.end(sseChunk({ content: "Thought about it." }) + sseChunk({}, "stop") + "data: [DONE]\n\n");
  });
  const rows = [{ model: "up-model", slug: "thinker", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-x" }];
  const env = { ...process.env };
  delete env.CODEX_SHIM_KEEPALIVE_MS;
  withKeepAlive = await startTestShim(rows, { keepAliveMs: "default", env });
  without = await startTestShim(rows, { keepAliveMs: 0 });
});
afterAll(async () => {
  await withKeepAlive.close();
  await without.close();
  await up.close();
});

describe("keep-alive while the upstream thinks silently (real Codex CLI)", () => {
  it("Codex does not time out and sees exactly the answer", async () => {
    const calls = up.calls.length;
    const catalog = catalogOf(withKeepAlive);
    const setup = prepareCodex({ shimUrl: withKeepAlive.url, model: "thinker", catalog, idleTimeoutMs: IDLE_MS, retries: { request: 0, stream: 0 } });
    const run = await runCodex(setup, ["think hard"], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Thought about it.");
    const items = run.events.filter((e) => e.type === "item.completed");
    expect(items.map((e) => e.item.type)).toEqual(["agent_message"]);
    expect(up.calls.length - calls).toBe(1); // no retry happened
  }, 90_000);

  it("control: without keep-alive the same silence trips Codex's idle timeout", async () => {
    const catalog = catalogOf(without);
    const setup = prepareCodex({ shimUrl: without.url, model: "thinker", catalog, idleTimeoutMs: IDLE_MS, retries: { request: 0, stream: 0 } });
    const run = await runCodex(setup, ["think hard"], { timeoutMs: 60_000 });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/idle timeout/i);
  }, 90_000);
});
