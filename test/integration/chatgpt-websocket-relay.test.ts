import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { startScriptedWebSocketUpstream, type ScriptedWebSocketUpstream } from "../helpers/scripted-websocket-upstream.ts";
import { openResponsesSocket } from "../helpers/responses-socket-client.ts";

/** ChatGPT-subscription slugs over the shim's WebSocket: relayed to ChatGPT's own WebSocket. */
const TOKEN = "tok-ws-relay-0123456789abcdef";
let up: ScriptedWebSocketUpstream;
let shim: TestShim;

const resp = (id: string, status: string, model = "gpt-5.5", extra: Record<string, unknown> = {}) => ({ id, object: "response", status, model, output: [], ...extra });
const item = (text: string) => ({ type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

/** The upstream answers like OpenAI: it keeps state itself, and ids are its own. */
function answerLikeOpenAI() {
  let n = 0;
  up.answer = (m, send) => {
    const id = `resp_up_${++n}`;
    send({ type: "response.created", sequence_number: 0, response: resp(id, "in_progress") });
    if (m.generate !== false) send({ type: "response.output_item.done", sequence_number: 1, output_index: 0, item: item(`answer ${n}`) });
    send({ type: "response.completed", sequence_number: 2, response: resp(id, "completed", "gpt-5.5", { usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } }) });
  };
}

beforeAll(async () => {
  up = await startScriptedWebSocketUpstream();
  const home = mkdtempSync(join(tmpdir(), "codex-home-ws-"));
  writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: TOKEN, account_id: "acc-9" } }));
  shim = await startTestShim([], { env: { ...process.env, CODEX_HOME: home, CODEX_SHIM_CHATGPT_BASE_URL: `${up.url}/cg`, CODEX_SHIM_DISABLE_CURSOR: "1" } });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.upgrades.length = 0;
  up.messages.length = 0;
  up.refuse = null;
  answerLikeOpenAI();
});

describe("ChatGPT passthrough over WebSocket", () => {
  it("relays each response.create to ChatGPT's socket with the login and the model swapped, and swaps it back", async () => {
    const c = await openResponsesSocket(shim.url);
    c.send({ type: "response.create", model: "openai-gpt-5-5", input: [{ type: "message", role: "developer", content: "base" }], generate: false, prompt_cache_key: "thread-1" });
    const prewarm = await c.untilTerminal();
    expect(prewarm.map((f) => f.type)).toEqual(["response.created", "response.completed"]);
    expect(prewarm[1].response.model).toBe("openai-gpt-5-5");
    c.send({ type: "response.create", model: "openai-gpt-5-5", previous_response_id: prewarm[1].response.id, input: [user("hi")] });
    const turn = await c.untilTerminal();
    expect(turn.map((f) => f.type)).toEqual(["response.created", "response.output_item.done", "response.completed"]);
    expect(turn[2].response).toMatchObject({ id: "resp_up_2", model: "openai-gpt-5-5" });

    // one upstream socket, opened with the ChatGPT login; messages relayed as they came, model swapped
    // (and store: false, which the ChatGPT endpoint requires, as over HTTP)
    expect(up.upgrades).toHaveLength(1);
    expect(up.upgrades[0]).toMatchObject({ authorization: `Bearer ${TOKEN}`, "chatgpt-account-id": "acc-9", "openai-beta": "responses_websockets=2026-02-06", session_id: "thread-1" });
    expect(up.messages).toEqual([
      { type: "response.create", model: "gpt-5.5", input: [{ type: "message", role: "developer", content: "base" }], generate: false, prompt_cache_key: "thread-1", store: false },
      { type: "response.create", model: "gpt-5.5", previous_response_id: "resp_up_1", input: [user("hi")], store: false },
    ]);
    await c.close();
  });

  it("relays the upstream's error frames as they are", async () => {
    up.answer = (_m, send) => send({ type: "error", status: 400, error: { type: "invalid_request_error", code: "previous_response_not_found", message: "Previous response with id 'resp_x' not found.", param: "previous_response_id" } });
    const c = await openResponsesSocket(shim.url);
    c.send({ type: "response.create", model: "gpt-5.5", previous_response_id: "resp_x", input: [user("hi")] });
    const [err] = await c.untilTerminal();
    expect(err).toMatchObject({ type: "error", status: 400, error: { code: "previous_response_not_found" } });
    await c.close();
  });

  it("closing the client socket closes the upstream socket within milliseconds", async () => {
    up.answer = (_m, send) => send({ type: "response.created", sequence_number: 0, response: resp("resp_slow", "in_progress") });
    const c = await openResponsesSocket(shim.url);
    c.send({ type: "response.create", model: "gpt-5.5", input: [user("take your time")] });
    expect((await c.next()).type).toBe("response.created");
    const closed = up.closedAt.at(-1)!;
    const t0 = performance.now();
    c.ws.close();
    const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 2000))]);
    expect(at - t0).toBeLessThan(250);
  });

  it("falls back to the HTTP passthrough when ChatGPT refuses the upgrade; continuations then use the shim's own cache", async () => {
    up.refuse = 426;
    const posted: any[] = [];
    let n = 0;
    up.http = async (req) => {
      const body = await req.json();
      posted.push({ url: new URL(req.url).pathname, body, auth: req.headers.get("authorization") });
      const id = `resp_http_${++n}`;
      const events = [
        { type: "response.created", sequence_number: 0, response: resp(id, "in_progress") },
        { type: "response.output_item.done", sequence_number: 1, output_index: 0, item: item(`http answer ${n}`) },
        { type: "response.completed", sequence_number: 2, response: resp(id, "completed", "gpt-5.5", { output: [item(`http answer ${n}`)], usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } }) },
      ];
      return new Response(events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""), { headers: { "content-type": "text/event-stream" } });
    };
    const c = await openResponsesSocket(shim.url);
    c.send({ type: "response.create", model: "gpt-5.5", input: [user("first")] });
    const first = await c.untilTerminal();
    expect(first.at(-1)).toMatchObject({ type: "response.completed", response: { id: "resp_http_1" } });
    c.send({ type: "response.create", model: "gpt-5.5", previous_response_id: "resp_http_1", input: [user("second")] });
    const second = await c.untilTerminal();
    expect(second.at(-1).type).toBe("response.completed");
    expect(up.upgrades).toHaveLength(1); // tried once per connection
    expect(posted.map((p) => p.url)).toEqual(["/cg/responses", "/cg/responses"]);
    expect(posted[0].auth).toBe(`Bearer ${TOKEN}`);
    // the stateless HTTP upstream got the whole conversation, without previous_response_id
    expect(posted[1].body.previous_response_id).toBeUndefined();
    expect(posted[1].body.input).toEqual([user("first"), item("http answer 1"), user("second")]);
    await c.close();
  });
});
