import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startScriptedUpstream, chatTextStep, chatChunk, chatSse, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { decide, lastMessage, textOfMessage } from "../helpers/chat-agent-steps.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { startServer, type RunningServer } from "../../server/start-server.ts";
import { assertInputItemList, assertResponseResource, assertValidSseBody } from "../helpers/open-responses-schema.ts";

const KEY = "sk-stored-secret-key-0123456789";
let up: ScriptedUpstream;
let shim: TestShim;
let dbFile: string;

const rows = (base: string) => [{ model: "up-model", slug: "m", provider: "openai", base_url: `${base}/v1`, api_key: KEY }];
const echoStep = () => decide((body) => chatTextStep(`echo: ${textOfMessage(lastMessage(body))}`));
const get = (s: { url: string }, path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, init);

beforeAll(async () => {
  up = await startScriptedUpstream();
  shim = await startTestShim(rows(up.url));
  dbFile = join(dirname(shim.settingsFile), "responses.sqlite");
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.requests.length = 0;
  up.setScript([echoStep(), echoStep(), echoStep()]);
});

describe("store: false (what Codex sends)", () => {
  it("never touches the disk: no database file is created, GET is 404", async () => {
    const res = await postResponses(shim, { model: "m", stream: true, store: false, input: "hi" });
    const events = assertValidSseBody(await res.text());
    const id = events.at(-1).response.id;
    expect(events.at(-1).response.store).toBe(false);
    expect(existsSync(dbFile)).toBe(false);
    expect(readdirSync(dirname(shim.settingsFile)).filter((f) => f.startsWith("responses"))).toEqual([]);
    const g = await get(shim, `/v1/responses/${id}`);
    expect(g.status).toBe(404);
    expect((await g.json()).error).toMatchObject({ code: "response_not_found", param: "response_id" });
    expect(existsSync(dbFile)).toBe(false);
  });
});

describe("store: true", () => {
  it("GET returns the stored ResponseResource; input_items lists the input; DELETE removes it", async () => {
    const created = await (await postResponses(shim, { model: "m", stream: false, store: true, instructions: "be kind", metadata: { k: "v" }, input: "first question" })).json();
    assertResponseResource(created);
    expect(created).toMatchObject({ store: true, status: "completed", instructions: "be kind", metadata: { k: "v" } });
    expect(existsSync(dbFile)).toBe(true);

    const got = await get(shim, `/v1/responses/${created.id}`);
    expect(got.status).toBe(200);
    const body = await got.json();
    assertResponseResource(body);
    expect(body).toEqual(created);

    const list = await (await get(shim, `/v1/responses/${created.id}/input_items`)).json();
    assertInputItemList(list);
    expect(list).toMatchObject({ object: "list", has_more: false, data: [{ type: "message", role: "user", status: "completed", content: [{ type: "input_text", text: "first question" }] }] });
    expect(list.first_id).toBe(list.data[0].id);

    const del = await get(shim, `/v1/responses/${created.id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: created.id, object: "response.deleted", deleted: true });
    expect((await get(shim, `/v1/responses/${created.id}`)).status).toBe(404);
    expect((await get(shim, `/v1/responses/${created.id}`, { method: "DELETE" })).status).toBe(404);
    // the guard still refuses a cross-site DELETE
    expect((await get(shim, `/v1/responses/${created.id}`, { method: "DELETE", headers: { origin: "https://evil.example" } })).status).toBe(403);
    // deleted means no continuation either (memory tier evicted too)
    const cont = await postResponses(shim, { model: "m", store: true, previous_response_id: created.id, input: "again" });
    expect(cont.status).toBe(400);
    expect((await cont.json()).error).toMatchObject({ code: "previous_response_not_found", param: "previous_response_id" });
  });

  it("a failed response is not stored (it cannot be continued)", async () => {
    up.setScript([(_r, res) => (res.writeHead(200, { "content-type": "text/event-stream" }), res.end(chatSse([chatChunk({ content: "half" })], { done: false })))]);
    const events = assertValidSseBody(await (await postResponses(shim, { model: "m", stream: true, store: true, input: "x" })).text());
    expect(events.at(-1).type).toBe("response.failed");
    expect((await get(shim, `/v1/responses/${events.at(-1).response.id}`)).status).toBe(404);
  });

  it("a store that is not a boolean is a 400 naming the field", async () => {
    const res = await postResponses(shim, { model: "m", store: "yes", input: "x" });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ code: "invalid_type", param: "store" });
  });

  it("store unset defaults to stored (the Responses API default); nothing secret reaches the database", async () => {
    const r = await (await postResponses(shim, { model: "m", input: "default store" })).json();
    expect(r.store).toBe(true);
    expect((await get(shim, `/v1/responses/${r.id}`)).status).toBe(200);
    for (const f of readdirSync(dirname(dbFile)).filter((f) => f.startsWith("responses.sqlite"))) {
      const bytes = readFileSync(join(dirname(dbFile), f));
      expect(bytes.includes(KEY)).toBe(false);
      expect(bytes.includes("authorization")).toBe(false);
    }
  });

  it("input_items: order, limit and after page through the whole conversation", async () => {
    const first = await (await postResponses(shim, { model: "m", store: true, input: [{ type: "message", role: "user", content: "one" }, { type: "message", role: "user", content: "two" }] })).json();
    const second = await (await postResponses(shim, { model: "m", store: true, previous_response_id: first.id, input: "three" })).json();
    // the stored input of a continuation is the whole conversation: one, two, the first answer, three
    const all = await (await get(shim, `/v1/responses/${second.id}/input_items?order=asc&limit=100`)).json();
    expect(all.data.map((i: any) => i.content[0].text)).toEqual(["one", "two", "echo: one\n\ntwo", "three"]);
    const page1 = await (await get(shim, `/v1/responses/${second.id}/input_items?limit=3`)).json();
    expect(page1.has_more).toBe(true);
    expect(page1.data.map((i: any) => i.id)).toEqual([...all.data].reverse().slice(0, 3).map((i: any) => i.id));
    const page2 = await (await get(shim, `/v1/responses/${second.id}/input_items?limit=3&after=${page1.last_id}`)).json();
    expect(page2).toMatchObject({ has_more: false, data: [{ id: all.data[0].id }] });
    for (const p of [all, page1, page2]) assertInputItemList(p);
    expect(second.previous_response_id).toBe(first.id);

    for (const [q, param] of [["limit=0", "limit"], ["limit=abc", "limit"], ["order=up", "order"], ["after=nope", "after"]]) {
      const bad = await get(shim, `/v1/responses/${second.id}/input_items?${q}`);
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.param).toBe(param);
    }
  });
});

describe("input_items with tool calls", () => {
  it("function_call and function_call_output items are listed as complete items", async () => {
    const input = [
      { type: "message", role: "user", content: "list files" },
      { type: "function_call", call_id: "call_1", name: "exec_command", arguments: '{"cmd":"ls"}' },
      { type: "function_call_output", call_id: "call_1", output: "a b" },
    ];
    const r = await (await postResponses(shim, { model: "m", store: true, input, tools: [{ type: "function", name: "exec_command", parameters: { type: "object" } }] })).json();
    const list = await (await get(shim, `/v1/responses/${r.id}/input_items?order=asc`)).json();
    assertInputItemList(list);
    expect(list.data.map((i: any) => [i.type, i.status])).toEqual([["message", "completed"], ["function_call", "completed"], ["function_call_output", "completed"]]);
  });
});

describe("previous_response_id across a restart (the SQLite tier)", () => {
  it("a new shim process on the same state dir continues a stored response; the upstream gets the whole conversation", async () => {
    const first = await (await postResponses(shim, { model: "m", store: true, input: "remember the number 42" })).json();
    const stateDir = dirname(shim.settingsFile);
    const settings = join(stateDir, "models-2.json");
    writeFileSync(settings, JSON.stringify({ models: rows(up.url) }));
    let second: RunningServer | undefined;
    try {
      second = await startServer({ settingsFile: settings, settingsRequired: true, port: 0, env: { ...process.env }, log: () => {}, keepAliveMs: 0, stateDir, watchSettings: false });
      expect(second.ctx.conversations.size).toBe(0);
      up.requests.length = 0;
      const res = await postResponses(second, { model: "m", stream: true, store: true, previous_response_id: first.id, input: "what was the number?" });
      expect(res.status).toBe(200);
      const events = assertValidSseBody(await res.text());
      expect(events.at(-1).response.previous_response_id).toBe(first.id);
      const sent = up.requests[0].body.messages.map((m: any) => [m.role, textOfMessage(m)]);
      expect(sent).toEqual([
        ["user", "remember the number 42"],
        ["assistant", "echo: remember the number 42"],
        ["user", "what was the number?"],
      ]);
      expect(up.requests[0].body.previous_response_id).toBeUndefined();
    } finally {
      await second?.close();
    }
  });

  it("response_store.enabled: false keeps nothing and says store: false", async () => {
    const s2 = await startTestShim({ models: rows(up.url), response_store: { enabled: false } });
    try {
      const r = await (await postResponses(s2, { model: "m", store: true, input: "x" })).json();
      expect(r.store).toBe(false);
      expect(existsSync(join(dirname(s2.settingsFile), "responses.sqlite"))).toBe(false);
    } finally {
      await s2.close();
    }
  });
});
