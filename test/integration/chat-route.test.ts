import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, chatTextStep, httpErrorStep, chatSse, chatChunk, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";

let up: ScriptedUpstream;
let shim: TestShim;

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim([{ model: "up-model", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-secret-test-key-123456" }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const req = (extra: Record<string, unknown> = {}) => ({
  model: "m",
  stream: true,
  input: [
    { type: "message", role: "developer", content: [{ type: "input_text", text: "be brief" }] },
    { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] },
  ],
  tools: [],
  store: false,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "abc",
  reasoning: { effort: "medium", summary: "auto" },
  ...extra,
});

describe("chat-completions route through the real server", () => {
  it("streams a text answer as a complete Responses event sequence", async () => {
    up.setScript([chatTextStep("Hello from upstream!")]);
    const res = await postResponses(shim, req());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = parseSseEvents(await res.text());
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-1)).toBe("response.completed");
    const seqs = events.map((e) => e.sequence_number);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const done = events.find((e) => e.type === "response.output_item.done");
    expect(done.item.content[0]).toMatchObject({ type: "output_text", text: "Hello from upstream!" });
    const completed = events.at(-1);
    expect(completed.response.usage).toMatchObject({ input_tokens: 11, output_tokens: 5, total_tokens: 16 });
    expect(completed.response.model).toBe("m");
    // what went upstream
    const sent = up.requests.at(-1)!;
    expect(sent.url).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-secret-test-key-123456");
    expect(sent.body).toMatchObject({ model: "up-model", stream: true, stream_options: { include_usage: true }, reasoning_effort: "medium" });
    expect(sent.body.messages).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
    ]);
    for (const k of ["store", "include", "prompt_cache_key", "reasoning", "tools", "parallel_tool_calls"]) expect(sent.body).not.toHaveProperty(k);
  });

  it("answers non-streaming requests with a Responses object", async () => {
    up.setScript([chatTextStep("plain")]);
    const res = await postResponses(shim, req({ stream: false }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ object: "response", status: "completed", model: "m" });
    expect(body.output[0].content[0].text).toBe("plain");
  });

  it("maps an upstream 429 to HTTP 429 with Retry-After", async () => {
    up.setScript([httpErrorStep(429, { error: { message: "slow down" } }, { "retry-after": "7" })]);
    const res = await postResponses(shim, req());
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect((await res.json()).error.code).toBe("rate_limit_exceeded");
  });

  it("adds a Retry-After when the upstream 429 has none", async () => {
    up.setScript([httpErrorStep(429, { error: { message: "slow down" } })]);
    const res = await postResponses(shim, req());
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("maps context overflow to context_length_exceeded", async () => {
    up.setScript([httpErrorStep(400, { error: { message: "This model's maximum context length is 8192 tokens" } })]);
    const res = await postResponses(shim, req());
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("context_length_exceeded");
  });

  it("maps a 401 to a fatal 400 naming model and URL but never the key", async () => {
    up.setScript([httpErrorStep(401, { error: { message: "Incorrect API key provided: sk-secret-test-key-123456" } })]);
    const res = await postResponses(shim, req());
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("model m");
    expect(text).toContain(up.url);
    expect(text).not.toContain("sk-secret-test-key-123456");
  });

  it("keeps upstream 5xx retryable", async () => {
    up.setScript([httpErrorStep(503, "busy")]);
    const res = await postResponses(shim, req());
    expect(res.status).toBeGreaterThanOrEqual(500);
  });

  it("turns a stream cut before its end into response.failed", async () => {
    up.setScript([
      (_r, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(chatSse([chatChunk({ content: "partial" })], { done: false }));
      },
    ]);
    const events = parseSseEvents(await (await postResponses(shim, req())).text());
    const terminal = events.filter((e) => ["response.completed", "response.failed", "response.incomplete"].includes(e.type));
    expect(terminal).toHaveLength(1);
    expect(terminal[0].type).toBe("response.failed");
    expect(terminal[0].response.error.code).toBe("server_error");
    // the partial message is not handed to Codex as a finished item
    expect(events.some((e) => e.type === "response.output_item.done")).toBe(false);
  });

  it("maps finish_reason length to response.incomplete", async () => {
    up.setScript([
      (_r, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(chatSse([chatChunk({ content: "trunc" }), chatChunk({}, "length")]));
      },
    ]);
    const events = parseSseEvents(await (await postResponses(shim, req())).text());
    expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: { incomplete_details: { reason: "max_output_tokens" } } });
  });

  it("returns 404 with the configured slugs for an unknown model", async () => {
    const res = await postResponses(shim, req({ model: "nope" }));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Configured models: m");
  });

  it("rejects a cross-site POST and a text/plain POST", async () => {
    const a = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: JSON.stringify(req()) });
    expect(a.status).toBe(403);
    const b = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(req()) });
    expect(b.status).toBe(415);
  });

  it("rejects malformed JSON with a 400", async () => {
    const res = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_json");
  });
});
