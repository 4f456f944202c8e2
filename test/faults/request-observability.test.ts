import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { startFaultServer, sseChunk, type FaultServer } from "./fault-server.ts";

/** One summary line per request (what users grep), and the overhead header (what users check). */
let up: FaultServer;
let shim: TestShim;
const KEY = "sk-observe-secret-key-987654";
const PROMPT = "my very private prompt text 4242";

beforeAll(async () => {
  up = await startFaultServer(({ res }) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(
      sseChunk({ role: "assistant", content: "Sure." }) +
        sseChunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "shell", arguments: '{"cmd":"ls"}' } }] }) +
        sseChunk({}, "tool_calls") +
        `data: ${JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 123, completion_tokens: 45, total_tokens: 168 } })}\n\n` +
        "data: [DONE]\n\n",
    );
  });
  shim = await startTestShim([{ model: "up-model", slug: "obs", provider: "openai", base_url: `${up.url}/v1`, api_key: KEY }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const body = (stream: boolean) => ({
  model: "obs",
  stream,
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: PROMPT }] }],
  tools: [{ type: "function", name: "shell", description: "run", parameters: { type: "object", properties: { cmd: { type: "string" } } } }],
});

describe("observability", () => {
  it.each([true, false])("stream=%s: one summary line with model, route, status, TTFT, duration, usage, tool calls — no prompt, no key", async (stream) => {
    const before = shim.logs.length;
    const res = await postResponses(shim, body(stream));
    expect(res.status).toBe(200);
    const overhead = res.headers.get("x-codex-shim-overhead-ms");
    expect(overhead).toMatch(/^\d+\.\d{2}$/);
    expect(Number(overhead)).toBeLessThan(5000);
    const id = res.headers.get("x-request-id");
    const text = await res.text();
    if (stream) expect(parseSseEvents(text).at(-1).type).toBe("response.completed");
    await new Promise((r) => setTimeout(r, 50));
    const lines = shim.logs.slice(before).filter((l) => l.startsWith("[req]"));
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line).toContain(id!);
    expect(line).toMatch(/model=obs/);
    expect(line).toMatch(/route=chat/);
    expect(line).toMatch(/upstream=200/);
    expect(line).toMatch(/ttft=\d+ms/);
    expect(line).toMatch(/dur=\d+ms/);
    expect(line).toMatch(/tokens=123\/45/);
    expect(line).toMatch(/tools=1/);
    expect(line).toMatch(/outcome=completed/);
    const all = shim.logs.join("\n");
    expect(all).not.toContain(PROMPT);
    expect(all).not.toContain(KEY);
  });

  it("a failed upstream call still gets exactly one line, with the error code and no key", async () => {
    up.handle(({ res }) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `boom ${KEY}` } }));
    });
    const before = shim.logs.length;
    const res = await postResponses(shim, body(true));
    expect(res.status).toBe(500);
    await res.text();
    await new Promise((r) => setTimeout(r, 50));
    const lines = shim.logs.slice(before).filter((l) => l.startsWith("[req]"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/upstream=500/);
    expect(lines[0]).toMatch(/outcome=failed\(upstream_error\)/);
    expect(shim.logs.join("\n")).not.toContain(KEY);
  });
});
