import { createTestContext } from "../../test/helpers/create-test-context.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { http, HttpResponse } from "msw";
import { createApp } from "../create-app.ts";
import type { ServerContext } from "../server-context.ts";
import { createFetchTransport } from "../../adapters/transport/upstream-transport.ts";
import { parseSseEvents } from "../../test/helpers/parse-sse.ts";
import { join } from "node:path";

// MSW intercepts the transport's globalThis.fetch: the upstream address is never contacted.
const UP = "http://127.0.0.1:59998/v1";
const mock = setupServer();
const transport = createFetchTransport();
let ctx: ServerContext;
let logs: string[];

beforeAll(() => {
  mock.listen({ onUnhandledFrame: "error" });
  logs = [];
  ctx = createTestContext([{ model: "up", slug: "m", provider: "openai", base_url: UP, api_key: "sk-unit-secret-abcdef" }], transport, { log: (l) => logs.push(l) });
});
afterEach(() => mock.resetHandlers());
afterAll(async () => {
  mock.close();
  await transport.close();
});

const app = () => createApp(ctx);
const post = (body: unknown, headers: Record<string, string> = {}) =>
  app().request("http://127.0.0.1/v1/responses", { method: "POST", headers: { host: "127.0.0.1:8765", "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const sse = (...lines: unknown[]) => lines.map((l) => `data: ${typeof l === "string" ? l : JSON.stringify(l)}\n\n`).join("");

describe("POST /v1/responses (MSW-mocked upstream)", () => {
  it("streams, logs one summary line without prompt text or key, and sets the overhead header", async () => {
    mock.use(
      http.post(`${UP}/chat/completions`, () =>
        new HttpResponse(sse({ choices: [{ index: 0, delta: { content: "yo" } }] }, { choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }, "[DONE]"), {
          headers: { "content-type": "text/event-stream" },
        }),
      ),
    );
    const res = await post({ model: "m", stream: true, input: "a secret prompt" });
    expect(res.status).toBe(200);
    const overhead = res.headers.get("x-codex-shim-overhead-ms");
    expect(overhead).toMatch(/^\d+\.\d{2}$/);
    expect(Number(overhead)).toBeLessThan(5_000);
    const events = parseSseEvents(await res.text());
    expect(events.at(-1).type).toBe("response.completed");
    await new Promise((r) => setTimeout(r, 10));
    const line = logs.find((l) => l.startsWith("[req]"))!;
    expect(line).toMatch(/model=m route=chat upstream=200 .*tokens=3\/1 tools=0 outcome=completed/);
    expect(logs.join("\n")).not.toContain("secret prompt");
    expect(logs.join("\n")).not.toContain("sk-unit-secret-abcdef");
  });

  it("handles an upstream that ignores stream:true and answers JSON", async () => {
    mock.use(http.post(`${UP}/chat/completions`, () => HttpResponse.json({ id: "x", choices: [{ index: 0, message: { role: "assistant", content: "json answer" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })));
    const res = await post({ model: "m", stream: false, input: "hi" });
    const body = await res.json();
    expect(body.status).toBe("completed");
    expect(body.output[0].content[0].text).toBe("json answer");
    expect(body.usage.total_tokens).toBe(3);
  });

  it("turns an HTML 200 into response.failed, not a silent success", async () => {
    mock.use(http.post(`${UP}/chat/completions`, () => new HttpResponse("<html><body>proxy login</body></html>", { headers: { "content-type": "text/html" } })));
    const events = parseSseEvents(await (await post({ model: "m", stream: true, input: "hi" })).text());
    expect(events.at(-1).type).toBe("response.failed");
  });

  it("maps a network error to a retryable 502 naming the upstream", async () => {
    mock.use(http.post(`${UP}/chat/completions`, () => HttpResponse.error()));
    const res = await post({ model: "m", stream: true, input: "hi" });
    expect(res.status).toBe(502);
    expect((await res.json()).error.message).toContain("127.0.0.1:59998");
  });

  it("rejects a foreign Host (DNS rebinding) before any upstream call", async () => {
    const res = await app().request("http://evil.example/v1/responses", { method: "POST", headers: { host: "evil.example", "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("Forbidden: Host header not allowed");
  });

  it("answers 400 for a request without a model and 413 above the body limit", async () => {
    expect((await post({ input: "x" })).status).toBe(400);
    const big = await app().request("http://127.0.0.1/v1/responses", {
      method: "POST",
      headers: { host: "127.0.0.1", "content-type": "application/json", "content-length": String(100 * 1024 * 1024) },
      body: "{}",
    });
    expect(big.status).toBe(413);
  });

  it("previous_response_id: the upstream gets the cached input, the cached output and the new input; the cache remembers per thread", async () => {
    const seen: { messages: { role: string; content: unknown; tool_calls?: unknown[] }[] }[] = [];
    const answers = [
      sse({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "call_ls", function: { name: "shell", arguments: '{"cmd":"ls"}' } }] } }] }, { choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }, "[DONE]"),
      sse({ choices: [{ index: 0, delta: { content: "two files" } }] }, { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }, "[DONE]"),
    ];
    mock.use(
      http.post(`${UP}/chat/completions`, async ({ request }) => {
        seen.push((await request.json()) as (typeof seen)[number]);
        return new HttpResponse(answers[seen.length - 1], { headers: { "content-type": "text/event-stream" } });
      }),
    );
    const tools = [{ type: "function", name: "shell", parameters: { type: "object", properties: { cmd: { type: "string" } } } }];
    const first = await (await post({ model: "m", stream: false, input: "list files", tools }, { "thread-id": "thread-A" })).json();
    expect(first.output[0]).toMatchObject({ type: "function_call", call_id: "call_ls" });
    const cached = ctx.conversations.get(first.id)!;
    expect(cached.threadKey).toBe("thread-A");
    expect(cached.toolCalls.get("call_ls")?.type).toBe("function_call");
    expect(cached.upstreamMessages?.length).toBe(seen[0].messages.length);
    expect(ctx.conversations.latestForThread("thread-A")?.responseId).toBe(first.id);

    const res = await post({ model: "m", stream: true, previous_response_id: first.id, input: [{ type: "function_call_output", call_id: "call_ls", output: "a b" }], tools }, { "thread-id": "thread-A" });
    expect(res.status).toBe(200);
    expect(parseSseEvents(await res.text()).at(-1).type).toBe("response.completed");
    const msgs = seen[1].messages.filter((m) => m.role !== "system" && m.role !== "developer");
    expect(msgs.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(msgs[0].content).toContain("list files");
    expect(msgs[1].tool_calls).toHaveLength(1);
    const second = ctx.conversations.latestForThread("thread-A")!;
    expect(second.responseId).not.toBe(first.id);
    expect(second.input).toHaveLength(3);
    // the first entry was sized from its body's length; the rebuilt one (cached items + new ones) by walking it
    expect(cached.sizeHint).toBe(Buffer.byteLength(JSON.stringify({ model: "m", stream: false, input: "list files", tools })));
    expect(second.sizeHint).toBeUndefined();
  });

  it("previous_response_id unknown (or of a failed response): HTTP 400 previous_response_not_found, no upstream call", async () => {
    mock.use(http.post(`${UP}/chat/completions`, () => new HttpResponse(sse({ choices: [{ index: 0, delta: { content: "cut" } }] }), { headers: { "content-type": "text/event-stream" } })));
    const failed = await (await post({ model: "m", stream: false, input: "hi" })).json();
    expect(failed.status).toBe("failed");
    expect(ctx.conversations.get(failed.id)).toBeUndefined();
    let called = false;
    mock.use(http.post(`${UP}/chat/completions`, () => ((called = true), HttpResponse.error())));
    for (const id of ["resp_never_seen", failed.id]) {
      const res = await post({ model: "m", stream: true, previous_response_id: id, input: "again" });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: { type: "invalid_request_error", code: "previous_response_not_found", param: "previous_response_id", message: expect.stringContaining(id) } });
    }
    expect(called).toBe(false);
  });
});

describe("incremental turns over HTTP (recorded Codex 0.169 turns)", () => {
  it("a turn that extends the thread's last input reuses its chat messages; the upstream gets what a fresh translation sends", async () => {
    const { codexRequestBody } = await import("../../test/helpers/shared-fixtures.ts");
    const { convertResponsesRequestToChat } = await import("../../adapters/chat/convert-responses-request-to-chat.ts");
    const seen: string[] = [];
    const answer = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "ok" }, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`;
    mock.use(
      http.post(`${UP}/chat/completions`, async ({ request }) => {
        seen.push(await request.text());
        return new HttpResponse(answer, { headers: { "content-type": "text/event-stream" } });
      }),
    );
    const turns = [1, 2, 3].map((n) => ({ ...codexRequestBody(`tool-loop-turn${n}`), model: "m", stream: true }));
    const cached = [];
    for (const t of turns) {
      const res = await post(t, { "session-id": "thread-reuse" });
      expect(parseSseEvents(await res.text()).at(-1).type).toBe("response.completed");
      cached.push(ctx.conversations.latestForThread("thread-reuse")!);
    }
    const model = ctx.store.current.models[0];
    for (let i = 0; i < turns.length; i++) {
      // byte for byte what translating the whole turn sends
      expect(seen[i]).toBe(JSON.stringify(convertResponsesRequestToChat(JSON.parse(JSON.stringify(turns[i])), model, []).body));
    }
    // turns 2 and 3 reused the messages of the turn before (the same objects), not a new translation
    expect(cached[1].upstreamMessages![0]).toBe(cached[0].upstreamMessages![0]);
    expect(cached[2].upstreamMessages![1]).toBe(cached[1].upstreamMessages![1]);
  });
});
