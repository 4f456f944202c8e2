import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setupServer } from "msw/node";
import { delay, http, HttpResponse } from "msw";
import { AutoRouter } from "./auto-router.ts";
import { createFetchTransport } from "../transport/upstream-transport.ts";
import { parseSettings } from "../settings/parse-settings.ts";
import { ShimError } from "../errors/shim-error.ts";

// The router on its own, its classifier calls going through the real Transport to MSW.
const CHAT = "https://api.example.test/v1/chat/completions";
const ANTHROPIC = "https://api.anthropic.test/v1/messages";
const mock = setupServer();
const transport = createFetchTransport();
beforeAll(() => mock.listen({ onUnhandledFrame: "error" }));
afterEach(() => mock.resetHandlers());
afterAll(async () => {
  mock.close();
  await transport.close();
});

const rows = [
  { model: "small", slug: "cheap", provider: "openai", base_url: "https://api.example.test/v1", api_key: "sk-chat-secret-000000" },
  { model: "big", slug: "strong", provider: "openai", base_url: "https://api.example.test/v1", api_key: "sk-chat-secret-000000" },
  { model: "clf", slug: "clf", provider: "openai", base_url: "https://api.example.test/v1", api_key: "sk-chat-secret-000000" },
  { model: "claude-haiku", slug: "haiku", provider: "anthropic", base_url: "https://api.anthropic.test", api_key: "sk-ant-secret-000000" },
  { model: "gpt-mini", slug: "native", provider: "openai-responses", base_url: "https://native.test/v1", api_key: "sk-native-secret-0000" },
];
const settingsWith = (router: Record<string, unknown>) =>
  parseSettings({ models: rows, router: { enabled: true, candidates: [{ slug: "cheap", cost: 0.3 }, { slug: "strong", cost: 5, supports_images: true }], ...router } }, null);
const req = (text: string, turn = "u1") => ({
  requestId: "req_t",
  body: { model: "codex-auto", input: [{ type: "message", role: "user", content: [{ type: "input_text", text }] }] } as never,
  headers: new Headers({ "x-codex-turn-metadata": JSON.stringify({ thread_id: "t1", turn_id: turn }) }),
});
function router() {
  const logs: string[] = [];
  return { r: new AutoRouter({ transport, env: {}, log: (l) => logs.push(l) }), logs };
}
const chatReply = (content: string) => HttpResponse.json({ choices: [{ message: { role: "assistant", content } }], usage: { prompt_tokens: 50, completion_tokens: 9 } });

describe("AutoRouter", () => {
  it("classifies only requests for its own slug: the machine passes every other one through without a classify call", () => {
    const { r } = router();
    const s = settingsWith({});
    expect(r.classifies({ model: "codex-auto", input: "x" } as never, s)).toBe(true);
    expect(r.classifies({ model: "cheap", input: "x" } as never, s)).toBe(false);
    expect(r.classifies({ model: "codex-auto", input: "x" } as never, parseSettings({ models: rows }, null))).toBe(false);
    expect(r.classifies({ input: "x" } as never, parseSettings({ models: rows }, null))).toBe(false);
  });

  it("scores through a chat classifier and picks the cheapest able candidate; other slugs pass through untouched", async () => {
    let seen: any;
    mock.use(http.post(CHAT, async ({ request }) => ((seen = await request.json()), chatReply('{"scores":{"cheap":0.3,"strong":0.9}}'))));
    const { r, logs } = router();
    const s = settingsWith({ classifier: "clf" });
    const out = await r.classify({ ...req("hard"), settings: s });
    expect(out.slug).toBe("strong");
    expect(out.decision).toMatchObject({ source: "classifier", reason: "score>=0.70, cheapest", classifierTokens: { input: 50, output: 9 } });
    expect(seen).toMatchObject({ model: "clf", stream: false, temperature: 0, max_tokens: 600 });
    expect(logs[0]).toMatch(/^\[router\] req_t codex-auto -> strong \(classifier: score>=0\.70, cheapest\) scores=\{"cheap":0\.3,"strong":0\.9\} classifier=\d+ms tokens=50\/9 key=turn$/);
    expect(await r.classify({ ...req("x"), body: { model: "cheap", input: "x" } as never, settings: s })).toEqual({ slug: "cheap" });
  });

  it("an Anthropic classifier gets x-api-key, anthropic-version and {max_tokens, system, messages}", async () => {
    let seen: { headers: Headers; body: any } | undefined;
    mock.use(http.post(ANTHROPIC, async ({ request }) => ((seen = { headers: request.headers, body: await request.json() }), HttpResponse.json({ content: [{ type: "text", text: '```json\n{"scores":{"cheap":0.8,"strong":0.9}}\n```' }], usage: { input_tokens: 70, output_tokens: 12 } }))));
    const { r } = router();
    expect((await r.classify({ ...req("easy"), settings: settingsWith({ classifier: "haiku", max_tokens: 99 }) })).slug).toBe("cheap");
    expect(seen!.headers.get("x-api-key")).toBe("sk-ant-secret-000000");
    expect(seen!.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(seen!.body).toMatchObject({ model: "claude-haiku", max_tokens: 99, messages: [{ role: "user" }] });
    expect(seen!.body.system).toContain("task-routing classifier");
  });

  it("a native Responses classifier gets {instructions, input, max_output_tokens, stream:false}", async () => {
    let seen: any;
    mock.use(http.post("https://native.test/v1/responses", async ({ request }) => ((seen = await request.json()), HttpResponse.json({ output: [{ type: "reasoning" }, { type: "message", content: [{ type: "output_text", text: '{"scores":{"cheap":0.2,"strong":0.8}}' }] }], usage: { input_tokens: 60, output_tokens: 8 } }))));
    const { r } = router();
    const out = await r.classify({ ...req("hard", "n"), settings: settingsWith({ classifier: "native" }) });
    expect(out.decision).toMatchObject({ slug: "strong", classifierTokens: { input: 60, output: 8 } });
    expect(seen).toMatchObject({ model: "gpt-mini", stream: false, store: false, max_output_tokens: 600, input: [{ role: "user" }] });
    expect(seen.instructions).toContain("task-routing classifier");
  });

  it("timeout, HTTP error and an unparseable answer fall back (default) with the reason; no key in the log", async () => {
    const s = settingsWith({ classifier: "clf", default: "cheap", timeout: 0.2 });
    mock.use(http.post(CHAT, async () => (await delay(2000), chatReply("{}"))));
    const a = router();
    expect((await a.r.classify({ ...req("x", "a"), settings: s })).decision!.reason).toMatch(/^classifier error: classifier clf timed out after 200 ms; no scores; default$/);
    mock.use(http.post(CHAT, () => HttpResponse.json({ error: { message: "bad key sk-chat-secret-000000" } }, { status: 401 })));
    const b = router();
    expect((await b.r.classify({ ...req("x", "b"), settings: s })).decision!.reason).toMatch(/^classifier error: classifier clf answered HTTP 401: bad key \[redacted\]/);
    mock.use(http.post(CHAT, () => chatReply("I would pick the strong one.")));
    const c = router();
    expect((await c.r.classify({ ...req("x", "c"), settings: s })).decision).toMatchObject({ slug: "cheap", source: "fallback", reason: "classifier answer unparseable; no scores; default" });
    expect([...a.logs, ...b.logs, ...c.logs].join("\n")).not.toContain("sk-chat-secret");
  });

  it("a parameter the classifier model rejects is stripped and retried (temperature on reasoning models)", async () => {
    const bodies: any[] = [];
    mock.use(
      http.post(CHAT, async ({ request }) => {
        const b = await request.json();
        bodies.push(b);
        return "temperature" in (b as object) ? HttpResponse.json({ error: { message: "Unsupported parameter: 'temperature' is not supported with this model.", param: "temperature" } }, { status: 400 }) : chatReply('{"scores":{"cheap":0.9,"strong":0.9}}');
      }),
    );
    const { r } = router();
    expect((await r.classify({ ...req("x", "p"), settings: settingsWith({ classifier: "clf" }) })).decision!.source).toBe("classifier");
    expect(bodies).toHaveLength(2);
    expect(bodies[1].temperature).toBeUndefined();
  });

  it("one candidate: no classifier call; the turn's later steps come from the cache", async () => {
    mock.use(http.post(CHAT, () => HttpResponse.error()));
    const { r } = router();
    const single = parseSettings({ models: rows, router: { enabled: true, classifier: "clf", candidates: ["cheap"] } }, null);
    expect((await r.classify({ ...req("x", "s"), settings: single })).decision).toMatchObject({ slug: "cheap", source: "single" });
    const s = settingsWith({ classifier: "heuristic" });
    const first = await r.classify({ ...req("refactor across files", "h"), settings: s });
    const again = await r.classify({ ...req("refactor across files", "h"), settings: s });
    expect(again.decision).toMatchObject({ slug: first.slug, source: "cache", reason: "same turn" });
  });

  it("refuses clearly: disabled, no usable candidate, images without a vision candidate", async () => {
    const { r } = router();
    await expect(r.classify({ ...req("x"), settings: settingsWith({ enabled: false }) })).rejects.toThrow(/auto-router codex-auto is disabled/);
    const keyless = parseSettings({ models: [{ model: "m", slug: "far", provider: "openai", base_url: "https://far.test/v1" }], router: { enabled: true, candidates: ["far"] } }, null);
    await expect(r.classify({ ...req("x"), settings: keyless })).rejects.toThrow(/no usable candidate: far \(Model far has no API key/);
    const textOnly = parseSettings({ models: rows, router: { enabled: true, candidates: ["cheap", "clf"] } }, null);
    const image = { requestId: "req_i", body: { model: "codex-auto", input: [{ type: "message", role: "user", content: [{ type: "input_image", image_url: "data:image/png;base64,AA" }] }] } as never, settings: textOnly };
    const err = await r.classify(image).catch((e) => e);
    expect(err).toBeInstanceOf(ShimError);
    expect(err).toMatchObject({ status: 400, code: "router_no_candidate" });
  });
});
