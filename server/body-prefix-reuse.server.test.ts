import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { setupServer } from "msw/node";
import { http, HttpResponse } from "msw";
import { createTestContext } from "../test/helpers/create-test-context.ts";
import { anthropicSse, anthropicTurnEvents } from "../test/helpers/anthropic-sse.ts";
import { responsesSse } from "../test/helpers/responses-sse.ts";
import { createApp } from "./create-app.ts";
import type { ServerContext } from "./server-context.ts";
import { createFetchTransport } from "../adapters/transport/upstream-transport.ts";
import { codexShapedBody } from "../bench/codex-shaped-requests.ts";
import { BodyPrefixReuse } from "./body-prefix-reuse.ts";

// Whatever the shim reuses between turns (parsed items, translations, encoded bytes), each
// upstream body must be byte for byte what a shim that reuses nothing sends, on every route,
// and the reused objects must come out of a request unmodified.
const UP = "http://127.0.0.1:59997";
const mock = setupServer();
const transport = createFetchTransport();
const sent: Record<string, string[]> = {};
const models = [
  { model: "up-chat", slug: "chat", provider: "openai", base_url: `${UP}/v1`, api_key: "sk-x" },
  { model: "up-claude", slug: "anthropic", provider: "anthropic", base_url: `${UP}/v1`, api_key: "sk-x" },
  { model: "up-resp", slug: "responses", provider: "openai-responses", base_url: `${UP}/v1`, api_key: "sk-x" },
];
const chatSse = ["yo", "[DONE]"].map((d, i) => `data: ${i ? d : JSON.stringify({ choices: [{ index: 0, delta: { content: d }, finish_reason: "stop" }] })}\n\n`).join("");

let reusing: ServerContext;
let fresh: ServerContext;
beforeAll(() => {
  mock.listen({ onUnhandledFrame: "error" });
  reusing = createTestContext(models, transport);
  fresh = createTestContext(models, transport);
  fresh.env = { CODEX_SHIM_BODY_PREFIX_REUSE: "0", CODEX_SHIM_HTTP_TURN_REUSE: "0" };
});
afterEach(() => mock.resetHandlers());
afterAll(async () => {
  mock.close();
  await transport.close();
});

function capture(route: string): void {
  sent[route] = [];
  const keep = async (request: Request) => sent[route].push(await request.text());
  mock.use(
    http.post(`${UP}/v1/chat/completions`, async ({ request }) => (await keep(request), new HttpResponse(chatSse, { headers: { "content-type": "text/event-stream" } }))),
    http.post(`${UP}/v1/messages`, async ({ request }) => (await keep(request), new HttpResponse(anthropicSse(anthropicTurnEvents({ text: "yo" })), { headers: { "content-type": "text/event-stream" } }))),
    http.post(`${UP}/v1/responses`, async ({ request }) => (await keep(request), new HttpResponse(responsesSse("resp_up", "up-resp", [{ text: "yo" }]), { headers: { "content-type": "text/event-stream" } }))),
  );
}

const apps = new Map<ServerContext, ReturnType<typeof createApp>>();
const post = (ctx: ServerContext, body: string) =>
  (apps.get(ctx) ?? apps.set(ctx, createApp(ctx)).get(ctx)!).request("http://127.0.0.1/v1/responses", { method: "POST", headers: { host: "127.0.0.1:8765", "content-type": "application/json", "session-id": "thread-1" }, body });

describe("reuse between HTTP turns (parsed items, translations, encoded bytes)", () => {
  for (const route of ["chat", "anthropic", "responses"]) {
    it(`${route}: every upstream body equals what a shim without reuse sends`, async () => {
      const first = JSON.parse(codexShapedBody(120_000, route).json) as { input: unknown[] };
      // turn 2: the answer replayed, a new user message; turn 3: the same again (a retry); turn 4: one more
      const answer = { type: "message", role: "assistant", content: [{ type: "output_text", text: "yo" }] };
      const turns = [first.input, [...first.input, answer, { type: "message", role: "user", content: [{ type: "input_text", text: "next — ✓" }] }]];
      turns.push(turns[1], [...turns[1], answer, { type: "message", role: "user", content: [{ type: "input_text", text: "and then" }] }]);
      const bodies = turns.map((input) => JSON.stringify({ ...first, input }));
      const got: string[] = [];
      const want: string[] = [];
      const parse = vi.spyOn(BodyPrefixReuse.prototype, "parse");
      let reused = 0;
      for (const body of bodies) {
        capture(route);
        parse.mockClear();
        const a = await post(reusing, body);
        if (parse.mock.results.some((r) => r.value !== undefined)) reused++;
        expect(a.status).toBe(200);
        await a.text();
        got.push(...sent[route]);
        capture(route);
        await (await post(fresh, body)).text();
        want.push(...sent[route]);
      }
      parse.mockRestore();
      // turns 2–4 took their history items from the turn before (the test is not met by falling back)
      expect(reused).toBe(3);
      expect(got).toHaveLength(bodies.length);
      for (let i = 0; i < got.length; i++) expect(got[i], `turn ${i + 1}`).toBe(want[i]);
    });
  }
});
