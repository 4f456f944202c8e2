import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startScriptedUpstream, httpErrorStep, type ScriptedUpstream } from "../../test/helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../../test/helpers/start-test-shim.ts";
import { parseSseEvents } from "../../test/helpers/parse-sse.ts";
import { stripForeignReasoning } from "./strip-foreign-reasoning.ts";
import { isSharedHistory, markSharedHistory } from "../transport/shared-history.ts";
import { chatgptUpstreamModel } from "./chatgpt-slugs.ts";

const TOKEN = "tok-unit-0123456789abcdef";
let up: ScriptedUpstream;
let shim: TestShim;
let home: string;

function sse(events: any[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}
const resp = (status: string, extra: Record<string, unknown> = {}) => ({ id: "resp_up", object: "response", status, model: "gpt-5.5", output: [], ...extra });
const upstreamStream = sse([
  { type: "response.created", sequence_number: 0, response: resp("in_progress") },
  { type: "response.output_item.done", sequence_number: 1, output_index: 0, item: { type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] } },
  {
    type: "response.completed",
    sequence_number: 2,
    response: resp("completed", {
      output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] }],
      usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
    }),
  },
]);

beforeAll(async () => {
  up = await startScriptedUpstream();
  home = mkdtempSync(join(tmpdir(), "codex-home-unit-"));
  shim = await startTestShim([{ model: "gpt-5.5", slug: "byok-gpt", provider: "openai", base_url: `${up.url}/byok`, api_key: "sk-byok-key-123456" }], {
    env: { ...process.env, CODEX_HOME: home, CODEX_SHIM_CHATGPT_BASE_URL: `${up.url}/cg/`, CODEX_SHIM_DISABLE_CURSOR: "1" },
  });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.requests.length = 0;
  writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: TOKEN } }));
  delete shim.ctx.env.CODEX_SHIM_DISABLE_CHATGPT;
});

describe("ChatGPT passthrough", () => {
  it("relays the native stream byte for byte when the slug is the upstream model", async () => {
    up.setScript([(_r, res) => void (res.writeHead(200, { "content-type": "text/event-stream" }), res.end(upstreamStream))]);
    const body = { model: "gpt-5.5", stream: true, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }], store: false, include: ["reasoning.encrypted_content"], extra_field: { kept: true } };
    const res = await postResponses(shim, body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(upstreamStream);
    const sent = up.requests[0];
    expect(sent.url).toBe("/cg/responses");
    expect(sent.body).toEqual(body);
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // No account id in auth.json → no header at all (the original sent an empty one).
    expect("chatgpt-account-id" in sent.headers).toBe(false);
  });

  it("maps an openai-gpt-5-5 alias to gpt-5.5 and shows the alias as the model", async () => {
    up.setScript([(_r, res) => void (res.writeHead(200, { "content-type": "text/event-stream" }), res.end(upstreamStream))]);
    const res = await postResponses(shim, { model: "openai-gpt-5-5-codex-max", stream: true, input: "hi" });
    const events = parseSseEvents(await res.text());
    expect(up.requests[0].body.model).toBe("gpt-5.5");
    expect(events.map((e) => e.type)).toEqual(["response.created", "response.output_item.done", "response.completed"]);
    expect(events[0].response.model).toBe("openai-gpt-5-5-codex-max");
    expect(events[2].response.model).toBe("openai-gpt-5-5-codex-max");
    expect(events[2].sequence_number).toBe(2);
  });

  it("wins over a settings row for the same model while logged in, and yields to it when logged out", async () => {
    up.setScript([(_r, res) => void (res.writeHead(200, { "content-type": "text/event-stream" }), res.end(upstreamStream))]);
    await (await postResponses(shim, { model: "gpt-5.5", stream: true, input: "hi" })).text();
    expect(up.requests[0].url).toBe("/cg/responses");
    rmSync(join(home, "auth.json"));
    up.setScript([httpErrorStep(500, { error: { message: "byok reached" } })]);
    const res = await postResponses(shim, { model: "gpt-5.5", stream: true, input: "hi" });
    expect(up.requests[1].url).toMatch(/^\/byok\/.*chat\/completions$/);
    expect(res.status).toBe(500);
  });

  it("answers a fatal 400 naming `codex login` without a login, and a 400 when ChatGPT rejects the token", async () => {
    rmSync(join(home, "auth.json"));
    let res = await postResponses(shim, { model: "openai-gpt-5-5", stream: true, input: "hi" });
    expect(res.status).toBe(400);
    const j = await res.json();
    expect(j.error.code).toBe("chatgpt_login_required");
    expect(j.error.message).toContain("codex login");
    expect(up.requests.length).toBe(0);

    writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: TOKEN, account_id: "acc-1" } }));
    up.setScript([httpErrorStep(401, { error: { message: `token ${TOKEN} expired` } })]);
    res = await postResponses(shim, { model: "openai-gpt-5-5", stream: true, input: "hi" });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain("codex login");
    expect(text).not.toContain(TOKEN);
    expect(up.requests[0].headers["chatgpt-account-id"]).toBe("acc-1");
  });

  it("passes other upstream errors through verbatim (Codex knows ChatGPT's usage-limit body)", async () => {
    const body = { error: { type: "usage_limit_reached", message: "You've hit your usage limit." } };
    up.setScript([httpErrorStep(429, body)]);
    const res = await postResponses(shim, { model: "gpt-5.5", stream: true, input: "hi" });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual(body);
  });

  it("fails the stream when the upstream closes before response.completed", async () => {
    up.setScript([(_r, res) => void (res.writeHead(200, { "content-type": "text/event-stream" }), res.end(upstreamStream.split("event: response.completed")[0]))]);
    const events = parseSseEvents(await (await postResponses(shim, { model: "gpt-5.5", stream: true, input: "hi" })).text());
    expect(events.at(-1).type).toBe("response.failed");
    expect(events.at(-1).response.error.code).toBe("server_error");
  });

  it("forwards /v1/responses/compact to the native compact endpoint without `stream`, rewriting the model back", async () => {
    up.setScript([(_r, res) => void (res.writeHead(200, { "content-type": "application/json" }), res.end(JSON.stringify({ id: "c1", model: "gpt-5.5", output: [{ type: "compaction", encrypted_content: "x", model: "gpt-5.5" }, { model: "other" }] })))]);
    const res = await fetch(`${shim.url}/v1/responses/compact`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "openai-gpt-5-5-codex-max", stream: true, input: [{ type: "message", role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "c1", model: "openai-gpt-5-5-codex-max", output: [{ type: "compaction", encrypted_content: "x", model: "openai-gpt-5-5-codex-max" }, { model: "other" }] });
    expect(up.requests[0].url).toBe("/cg/responses/compact");
    expect(up.requests[0].body.model).toBe("gpt-5.5");
    expect("stream" in up.requests[0].body).toBe(false);
    expect(up.requests[0].headers.accept).toBe("application/json");
  });

  it("is advertised in /health and /v1/models only while logged in and not disabled", async () => {
    let h = await (await fetch(`${shim.url}/health`)).json();
    expect(h.routes.chatgpt_passthrough).toBe(true);
    let m = await (await fetch(`${shim.url}/v1/models`)).json();
    expect(m.data.map((d: any) => d.id)).toEqual(["gpt-5.5", "byok-gpt"]);
    expect(m.data[0].owned_by).toBe("chatgpt");
    expect(JSON.stringify(m)).not.toContain(TOKEN);
    shim.ctx.env.CODEX_SHIM_DISABLE_CHATGPT = "yes";
    h = await (await fetch(`${shim.url}/health`)).json();
    expect(h.routes.chatgpt_passthrough).toBe(false);
    delete shim.ctx.env.CODEX_SHIM_DISABLE_CHATGPT;
    writeFileSync(join(home, "auth.json"), JSON.stringify({ tokens: { access_token: "" } }));
    m = await (await fetch(`${shim.url}/v1/models`)).json();
    expect(m.data.map((d: any) => d.id)).toEqual(["byok-gpt"]);
  });
});

describe("helpers", () => {
  it("drops only reasoning the shim made for other upstreams", () => {
    const input = [
      { type: "reasoning", encrypted_content: "gAAAAA-openai" },
      { type: "reasoning", encrypted_content: "codex-shim:chat-reasoning:v1:abc" },
      { type: "message", role: "user", content: "x" },
    ];
    expect(stripForeignReasoning(input)).toEqual([input[0], input[2]]);
    const clean = [input[0]];
    expect(stripForeignReasoning(clean)).toBe(clean);
    // a thread's shared history stays one after the drop (its items' encodings are reused)
    expect(isSharedHistory(stripForeignReasoning(input))).toBe(false);
    markSharedHistory(input);
    expect(isSharedHistory(stripForeignReasoning(input))).toBe(true);
  });

  it("knows its slugs", () => {
    const env = { CODEX_HOME: "/nonexistent" };
    expect(chatgptUpstreamModel("gpt-5.5", env)).toBe("gpt-5.5");
    expect(chatgptUpstreamModel("openai-gpt-5-5-codex-max", env)).toBe("gpt-5.5");
    expect(chatgptUpstreamModel("gpt-4o", env)).toBeUndefined();
  });
});
