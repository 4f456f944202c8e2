import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { demoSettings, startMockMultiModelUpstream, type MockUpstream } from "../../cli/router-demo/mock-multi-model-upstream.ts";

let up: MockUpstream;
let shim: TestShim;
beforeAll(async () => {
  up = await startMockMultiModelUpstream();
  shim = await startTestShim(demoSettings(up.url), { env: { CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1", CODEX_HOME: "/nonexistent-codex-home" } });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.hits.length = 0;
  up.rateLimited.clear();
  up.contextTooSmall.clear();
  shim.ctx.router!.cache.clear();
});

const user = (text: string) => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });
const turn = (thread: string, id: string) => ({ "x-codex-turn-metadata": JSON.stringify({ thread_id: thread, turn_id: id, request_kind: "turn" }) });
async function ask(input: unknown[], headers: Record<string, string> = {}, stream = false) {
  const res = await postResponses(shim, { model: "codex-auto", stream, input }, headers);
  return { res, body: stream ? parseSseEvents(await res.text()) : await res.json() };
}
const answered = () => up.hits.filter((h) => h.kind !== "classifier").map((h) => h.model);
const classifierCalls = () => up.hits.filter((h) => h.kind === "classifier").length;

describe("auto-router through the real server", () => {
  it("trivial → cheap, medium → mid, hard → strong, image → the vision model", async () => {
    await ask([user("say hi")], turn("t", "1"));
    await ask([user("implement a CRUD endpoint for users")], turn("t", "2"));
    await ask([user("refactor the auth layer across files")], turn("t", "3"));
    await ask([{ type: "message", role: "user", content: [{ type: "input_text", text: "what is on this screenshot?" }, { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=" }] }], turn("t", "4"));
    expect(answered()).toEqual(["cheap-model", "mid-model", "strong-model", "strong-model"]);
    expect(classifierCalls()).toBe(4);
  });

  it("sends the reference classifier request: stream false, temperature 0, max_tokens, cards, no prices, bearer key", async () => {
    await ask([user("say hi")], turn("t", "shape"));
    const c = up.hits.find((h) => h.kind === "classifier")!;
    expect(c.body).toMatchObject({ model: "router-classifier", stream: false, temperature: 0, max_tokens: 600 });
    expect(c.headers.authorization).toBe("Bearer sk-demo-router-key-0000");
    const [system, u] = c.body.messages;
    expect(system.role).toBe("system");
    expect(system.content).toContain("task-routing classifier");
    expect(system.content).toContain("slug: cheap");
    expect(system.content).toContain("Frontier model: cross-file refactors");
    expect(system.content).not.toMatch(/cost:|price|5\.0/i);
    expect(u.content).toContain("    say hi");
  });

  it("one decision per turn: the tool-call round trip stays on the model without a second classifier call", async () => {
    const first = await ask([user("run the tests and refactor across files")], turn("t", "loop"), true);
    const call = first.body.find((e: any) => e.type === "response.output_item.done" && e.item.type === "function_call").item;
    await ask([user("run the tests and refactor across files"), { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments }, { type: "function_call_output", call_id: call.call_id, output: "routed" }], turn("t", "loop"), true);
    expect(answered()).toEqual(["strong-model", "strong-model"]);
    expect(classifierCalls()).toBe(1);
    expect(shim.logs.filter((l) => l.startsWith("[req]")).slice(-1)[0]).toMatch(/model=codex-auto->strong .*router="cache: same turn"/);
  });

  it("switching models between turns never replays one model's reasoning to another", async () => {
    const t1 = await ask([user("think, then say hi")], turn("r", "1"));
    const reasoning = t1.body.output.find((o: any) => o.type === "reasoning");
    expect(reasoning.encrypted_content).toBeTruthy();
    const history = [user("think, then say hi"), reasoning, ...t1.body.output.filter((o: any) => o.type === "message")];
    await ask([...history, user("now implement a CRUD endpoint")], turn("r", "2"));
    const [first, second] = up.hits.filter((h) => h.kind === "answer");
    expect([first.model, second.model]).toEqual(["cheap-model", "mid-model"]);
    expect(second.body.messages.some((m: any) => m.role === "assistant")).toBe(true);
    expect(JSON.stringify(second.body)).not.toContain("thinking by cheap-model");
  });

  it("two sessions typing the same words are decided separately; no session-less text sharing across threads", async () => {
    await ask([user("say hi")], turn("a", "1"));
    await ask([user("say hi")], turn("b", "1"));
    expect(classifierCalls()).toBe(2);
  });

  it("spills a 429 to the next candidate, skips the limited model for its Retry-After, and keeps the turn there", async () => {
    up.rateLimited.add("cheap-model");
    const r = await ask([user("say hi")], turn("s", "1"));
    expect(r.res.status).toBe(200);
    expect(r.body.output[0].content[0].text).toBe("answered by mid-model");
    expect(up.hits.filter((h) => h.kind !== "classifier").map((h) => `${h.model}:${h.kind}`)).toEqual(["cheap-model:rate_limited", "mid-model:answer"]);
    expect(shim.logs.some((l) => /\[router\] req_\S+ codex-auto: cheap rate limited \(skipped for 60s\) -> spilling to mid/.test(l))).toBe(true);
    const health = await (await fetch(`${shim.url}/health`)).json();
    expect(health.router.cooling_down).toEqual([{ slug: "cheap", seconds: 60 }]);
    up.hits.length = 0;
    // a new turn does not even try the rate-limited model
    await ask([user("say hello")], turn("s", "2"));
    expect(answered()).toEqual(["mid-model"]);
    shim.ctx.router!.clearCooldowns();
  });

  it("context_length_exceeded escalates to a candidate with a larger window (not the same-size one)", async () => {
    up.contextTooSmall.add("cheap-model");
    const r = await ask([user("say hi")], turn("c", "1"));
    expect(r.res.status).toBe(200);
    expect(answered()).toEqual(["cheap-model", "strong-model"]);
    // a context overflow is the prompt's fault: the model is not skipped for others
    expect(shim.ctx.router!.coolingDown()).toEqual([]);
  });

  it("the turn's compaction request goes to the turn's model without a classifier call", async () => {
    await ask([user("implement a CRUD endpoint")], turn("k", "1"));
    const compact = { "x-codex-turn-metadata": JSON.stringify({ thread_id: "k", turn_id: "1", request_kind: "compaction" }) };
    await ask([user("implement a CRUD endpoint"), user("You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary")], compact);
    expect(answered()).toEqual(["mid-model", "mid-model"]);
    expect(classifierCalls()).toBe(1);
  });

  it("every candidate rate-limited → Codex gets the 429 with Retry-After", async () => {
    for (const m of ["cheap-model", "mid-model", "strong-model"]) up.rateLimited.add(m);
    const r = await ask([user("say hi")], turn("s", "all"));
    expect(r.res.status).toBe(429);
    expect(r.res.headers.get("retry-after")).toBe("60");
    shim.ctx.router!.clearCooldowns();
  });

  it("is advertised first in /v1/models and /health; logs never contain keys", async () => {
    const models = await (await fetch(`${shim.url}/v1/models`)).json();
    expect(models.data[0]).toMatchObject({ id: "codex-auto", owned_by: "codex-shim-auto" });
    expect(models.models[0]).toMatchObject({ slug: "codex-auto", display_name: "Auto (smart routing)", context_window: 128_000, input_modalities: ["text", "image"] });
    const health = await (await fetch(`${shim.url}/health`)).json();
    expect(health.routes.auto_router).toBe(true);
    expect(health.models).toBe(4);
    expect(JSON.stringify(models) + JSON.stringify(health) + shim.logs.join("\n")).not.toContain("sk-demo-router-key");
    expect(shim.logs.some((l) => /^\[router\] req_\S+ codex-auto -> \w+ \(classifier: score>=0\.70, cheapest\) scores=\{"cheap":0\.9,"mid":0\.92,"strong":0\.95\} classifier=\d+ms tokens=120\/20 key=turn$/.test(l))).toBe(true);
  });

  it("classifier error → the fallback, logged with the reason; a non-router slug never calls the classifier", async () => {
    const s = demoSettings(up.url);
    (s.models as any[])[3].base_url = "http://127.0.0.1:9/v1";
    writeFileSync(shim.settingsFile, JSON.stringify(s));
    shim.ctx.store.reload();
    await ask([user("refactor across files")], turn("e", "1"));
    expect(answered()).toEqual(["cheap-model"]);
    expect(shim.logs.some((l) => /codex-auto -> cheap \(fallback: classifier error: classifier classifier unreachable.*default/.test(l))).toBe(true);
    writeFileSync(shim.settingsFile, JSON.stringify(demoSettings(up.url)));
    shim.ctx.store.reload();
    up.hits.length = 0;
    await postResponses(shim, { model: "mid", input: "hi" });
    expect(up.hits.map((h) => h.kind)).toEqual(["answer"]);
  });

  it("disabled by env → not advertised, and codex-auto gets a clear 404", async () => {
    shim.ctx.env.CODEX_SHIM_DISABLE_ROUTER = "1";
    try {
      const models = await (await fetch(`${shim.url}/v1/models`)).json();
      expect(models.data.map((d: any) => d.id)).not.toContain("codex-auto");
      const r = await ask([user("hi")]);
      expect(r.res.status).toBe(404);
      expect(r.body.error.message).toMatch(/auto-router codex-auto is disabled/);
    } finally {
      delete shim.ctx.env.CODEX_SHIM_DISABLE_ROUTER;
    }
  });
});
