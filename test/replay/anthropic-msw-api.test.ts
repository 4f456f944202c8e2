import { createTestContext } from "../helpers/create-test-context.ts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { http, HttpResponse } from "msw";
import { createApp } from "../../server/create-app.ts";
import type { ServerContext } from "../../server/server-context.ts";
import { createFetchTransport } from "../../adapters/transport/upstream-transport.ts";
import { decodeAnthropicThinking } from "../../adapters/anthropic/anthropic-thinking-carrier.ts";
import { assertCodexStream } from "../helpers/check-codex-stream.ts";
import { anthropicSse, anthropicTurnEvents } from "../helpers/anthropic-sse.ts";
import { codexRequestBody, readSharedFixture } from "../helpers/shared-fixtures.ts";

/**
 * The Anthropic route through the real app and transport, with MSW standing in for
 * api.anthropic.com (and an Anthropic-compatible host): what goes on the wire, and how answers
 * and errors come back to streaming and non-streaming clients.
 */
const ANTHROPIC = "https://api.anthropic.com/v1/messages";
const COMPAT = "https://compat.example.test/anthropic/v1/messages";
const KEY = "sk-ant-msw-secret-key-000111";
const mock = setupServer();
const transport = createFetchTransport();
let ctx: ServerContext;

beforeAll(() => {
  mock.listen({ onUnhandledFrame: "error" });
  ctx = createTestContext(
    [
      { model: "claude-sonnet-4-5", slug: "claude", provider: "anthropic", base_url: "https://api.anthropic.com", api_key: KEY },
      { model: "glm-4.6", slug: "compat", provider: "anthropic", base_url: "https://compat.example.test/anthropic", api_key: "k", extra_headers: { authorization: "Bearer compat-token" } },
    ],
    transport,
  );
});
afterEach(() => mock.resetHandlers());
afterAll(async () => {
  mock.close();
  await transport.close();
});

const post = (body: unknown) =>
  createApp(ctx).request("http://127.0.0.1/v1/responses", { method: "POST", headers: { host: "127.0.0.1:8765", "content-type": "application/json" }, body: JSON.stringify(body) });
const sseResponse = (events: unknown[]) => new HttpResponse(anthropicSse(events), { headers: { "content-type": "text/event-stream" } });
const codexTurn = (model: string, extra: Record<string, unknown> = {}) => ({ ...codexRequestBody("tool-loop-turn1"), model, ...extra });
const THINKING = { thinking: "Plan: run ls.", signature: "EpMCCkYIBxgCKkB+abc/==" };

describe("Anthropic route against a mocked api.anthropic.com", () => {
  it("sends /v1/messages with x-api-key, version header, thinking and cache breakpoints; streams thinking back", async () => {
    let seen: { headers: Headers; body: any } | undefined;
    mock.use(
      http.post(ANTHROPIC, async ({ request }) => {
        seen = { headers: request.headers, body: await request.json() };
        return sseResponse(anthropicTurnEvents({ thinking: [THINKING], tools: [{ id: "toolu_1", name: "exec_command", input: { cmd: "ls" } }], usage: { input_tokens: 10, cache_creation_input_tokens: 5000, output_tokens: 40 } }));
      }),
    );
    const res = await post(codexTurn("claude"));
    expect(res.status).toBe(200);
    const r = assertCodexStream(await res.text());
    expect(seen!.headers.get("x-api-key")).toBe(KEY);
    expect(seen!.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(seen!.headers.get("authorization")).toBeNull();
    expect(seen!.body).toMatchObject({ model: "claude-sonnet-4-5", stream: true, thinking: { type: "enabled", budget_tokens: 8192 } });
    expect(JSON.stringify(seen!.body).match(/"cache_control"/g)!.length).toBe(3); // tools, system, the one user turn
    expect(r.items.map((i) => i.type)).toEqual(["reasoning", "function_call"]);
    expect(decodeAnthropicThinking(r.items[0].encrypted_content)!.blocks).toEqual([{ type: "thinking", ...THINKING }]);
    expect(r.terminal.response.usage).toMatchObject({ input_tokens: 5010, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 5000 } });
  });

  it("gives non-streaming clients the thinking too", async () => {
    mock.use(http.post(ANTHROPIC, () => sseResponse(anthropicTurnEvents({ thinking: [THINKING], text: "Hi." }))));
    const res = await post(codexTurn("claude", { stream: false }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("completed");
    expect(body.output.map((i: any) => i.type)).toEqual(["reasoning", "message"]);
    expect(body.output[0].summary[0].text).toBe(THINKING.thinking);
    expect(decodeAnthropicThinking(body.output[0].encrypted_content)!.blocks[0]).toEqual({ type: "thinking", ...THINKING });
  });

  it("reads an upstream that answers with a whole JSON Message (recorded opus reasoning body)", async () => {
    const recorded = readSharedFixture("upstream-recorded/anthropic/anthropic-claude-opus-5-reasoning-high.1.json");
    mock.use(http.post(ANTHROPIC, () => new HttpResponse(recorded, { headers: { "content-type": "application/json" } })));
    const res = await post(codexTurn("claude", { stream: false }));
    const body = await res.json();
    const msg = JSON.parse(recorded);
    expect(body.output[0].type).toBe("reasoning");
    expect(decodeAnthropicThinking(body.output[0].encrypted_content)!.blocks).toEqual([{ type: "thinking", thinking: msg.content[0].thinking, signature: msg.content[0].signature }]);
    expect(body.output[1].content[0].text).toBe(msg.content[1].text);
  });

  it("maps HTTP 429 to 429 with the upstream Retry-After", async () => {
    mock.use(http.post(ANTHROPIC, () => HttpResponse.json({ type: "error", error: { type: "rate_limit_error", message: "rate limited" } }, { status: 429, headers: { "retry-after": "13" } })));
    const res = await post(codexTurn("claude"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("13");
    expect((await res.json()).error.code).toBe("rate_limit_exceeded");
  });

  it("maps 529 overloaded to a retryable 503, prompt-too-long to context_length_exceeded, 401 to a message naming model and URL", async () => {
    mock.use(http.post(ANTHROPIC, () => HttpResponse.json({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { status: 529 })));
    expect((await post(codexTurn("claude"))).status).toBe(503);
    mock.use(http.post(ANTHROPIC, () => HttpResponse.json({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum" } }, { status: 400 })));
    const ctxRes = await post(codexTurn("claude"));
    expect(ctxRes.status).toBe(400);
    expect((await ctxRes.json()).error.code).toBe("context_length_exceeded");
    mock.use(http.post(ANTHROPIC, () => HttpResponse.json({ type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${KEY}` } }, { status: 401 })));
    const auth = await post(codexTurn("claude"));
    const text = await auth.text();
    expect(text).toContain("model claude at https://api.anthropic.com/v1/messages");
    expect(text).not.toContain(KEY);
  });

  it("fails a stream that reports an error event after starting (streaming: server_error; non-streaming: 502)", async () => {
    const events = [...anthropicTurnEvents({ text: "half" }).slice(0, 4), { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }];
    mock.use(http.post(ANTHROPIC, () => sseResponse(events)));
    const r = assertCodexStream(await (await post(codexTurn("claude"))).text());
    expect(r.terminal.response.error.code).toBe("server_error");
    const res = await post(codexTurn("claude", { stream: false }));
    expect(res.status).toBe(502);
  });

  it("uses extra_headers (Authorization) for a compatible host, without cache breakpoints by default", async () => {
    let seen: { headers: Headers; body: any } | undefined;
    mock.use(
      http.post(COMPAT, async ({ request }) => {
        seen = { headers: request.headers, body: await request.json() };
        return sseResponse(anthropicTurnEvents({ text: "ok" }));
      }),
    );
    const r = assertCodexStream(await (await post(codexTurn("compat"))).text());
    expect(r.text).toBe("ok");
    expect(seen!.headers.get("authorization")).toBe("Bearer compat-token");
    expect(seen!.body.max_tokens).toBe(8192);
    expect(JSON.stringify(seen!.body)).not.toContain("cache_control");
  });
});
