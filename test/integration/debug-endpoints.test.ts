import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { startInspectorRig, post, waitFor, CODEX_HEADERS, SECRET_KEY, type InspectorRig } from "../helpers/inspector-scenarios.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import type { RequestTrace } from "../../server/debug/request-trace.ts";

let rig: InspectorRig;
beforeAll(async () => {
  rig = await startInspectorRig({ env: { CODEX_SHIM_MAX_BODY_MB: "0.01" } });
});
afterAll(async () => {
  await rig.close();
});

const traces = async (): Promise<RequestTrace[]> => (await fetch(`${rig.shim.url}/debug/requests`)).json();
const byId = async (res: Response) => {
  await res.text();
  const id = res.headers.get("x-request-id")!;
  expect(id).toMatch(/^req_/);
  return waitFor(() => rig.shim.ctx.traces.get(id)?.outcome !== "in_flight" && rig.shim.ctx.traces.get(id)?.httpStatus !== undefined && rig.shim.ctx.traces.get(id), 3000, `trace ${id}`);
};

describe("flow inspector: what a request's trace says", () => {
  it("a completed streaming turn: client, Codex ids, resp id, route, upstream, timings in order, usage, each event with the transitions it took", async () => {
    const res = await post(rig.shim, { model: "ok", stream: true, input: "hi" });
    const events = parseSseEvents(await res.clone().text());
    const t = await byId(res);
    expect(t).toMatchObject({
      endpoint: "responses",
      outcome: "completed",
      final: "done",
      httpStatus: 200,
      requestedModel: "ok",
      model: "ok",
      route: "chat",
      upstreamModel: "up-ok",
      upstreamStatus: 200,
      client: { name: "codex_exec", version: "0.169.0", originator: "codex_exec" },
      codex: { threadId: CODEX_HEADERS["thread-id"], turnId: "turn-0001", requestKind: "turn" },
      usage: { input: 11, output: 5, total: 16 },
      captured: false,
    });
    expect(t.upstreamUrl).toBe(`${rig.up.url}/v1/chat/completions`);
    expect(t.responseId).toBe(events[0].response.id);
    const tm = t.timings;
    // no router: nothing was classified, so no such milestone
    expect(tm.classified).toBeUndefined();
    const order = [tm.started, tm.sent, tm.headers, tm.firstToken, tm.streamEnd, tm.done];
    expect(order.every((x) => typeof x === "number")).toBe(true);
    expect([...order].sort((a, b) => a! - b!)).toEqual(order);
    expect(tm.overheadMs).toBeGreaterThan(0);
    expect(t.steps.map((s) => `${s.event} → ${s.state} via ${s.transitions.join(",")}`)).toEqual([
      "xstate.init → connecting via request.classifying|always|0,request.selecting|always|0",
      "xstate.done.actor.connect → streaming via request.connecting|xstate.done.actor.connect|0",
      "xstate.done.actor.pump → done via request.streaming|xstate.done.actor.pump|2,request.caching|always|0",
    ]);
    expect(t.steps[1].payload).toBe("upstream answered HTTP 200");
  });

  it("a 429: the status, code, message and Retry-After Codex got, the upstream's own Retry-After", async () => {
    const res = await post(rig.shim, { model: "limited", stream: true, input: "hi" });
    expect(res.status).toBe(429);
    const t = await byId(res);
    expect(t).toMatchObject({ outcome: "failed", final: "failed", httpStatus: 429, upstreamStatus: 429, error: { code: "rate_limit_exceeded", retryAfter: 7, where: "before_stream" } });
    expect(t.error!.message).toContain("Rate limit reached");
    expect(t.attempts).toMatchObject([{ status: 429, retryAfter: "7" }]);
    expect(t.upstreamUrl).toBe(`${rig.up.url}/v1/chat/completions`);
    // not the router's spill (index 0, guarded by canSpill): the fallback to failed
    expect(t.steps.at(-1)!.transitions).toEqual(["request.connecting|xstate.error.actor.connect|1"]);
  });

  it("tool calls by name and call id, with cached tokens", async () => {
    const t = await byId(await post(rig.shim, { model: "tools", stream: true, input: "ls", tools: [{ type: "function", name: "shell", parameters: { type: "object" } }, { type: "function", name: "read_file", parameters: { type: "object" } }] }));
    expect(t.tools).toEqual([
      { type: "function_call", name: "shell", callId: "call_shell_1" },
      { type: "function_call", name: "read_file", callId: "call_read_2" },
    ]);
    expect(t.toolCallCount).toBe(2);
    expect(t.usage).toMatchObject({ input: 1200, cached: 1024, output: 40 });
  });

  it("a parameter retry: both attempts and the dropped parameter", async () => {
    const t = await byId(await post(rig.shim, { model: "strict", stream: true, input: "hi", reasoning: { effort: "medium" } }));
    expect(t.outcome).toBe("completed");
    expect(t.attempts.map((a) => a.status)).toEqual([400, 200]);
    expect(t.notes.join(" ")).toContain("dropped unsupported parameter reasoning_effort");
  });

  it("an abort mid-stream takes the root CLIENT_ABORT transition out of streaming, not the pump's", async () => {
    const res = await post(rig.shim, { model: "slow", stream: true, input: "hi" });
    const id = res.headers.get("x-request-id")!;
    const reader = res.body!.getReader();
    await reader.read();
    const live = await waitFor(() => rig.shim.ctx.traces.get(id)?.state === "streaming" && rig.shim.ctx.traces.get(id), 2000, "streaming");
    expect(live.outcome).toBe("in_flight");
    await reader.cancel();
    const t = await waitFor(() => (rig.shim.ctx.traces.get(id)?.final ? rig.shim.ctx.traces.get(id) : undefined), 3000, "abort");
    expect(t.outcome).toBe("aborted");
    expect(t.steps.at(-1)).toMatchObject({ event: "CLIENT_ABORT", state: "aborted", transitions: ["request|CLIENT_ABORT|0"], payload: "the client disconnected" });
    expect(t.steps.at(-2)!.state).toBe("streaming");
  });

  it("requests refused before the machine are recorded: guard 403 and 415, body 413 and 400, validation 400", async () => {
    const url = rig.shim.url;
    const host = await fetch(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", host: "evil.example" }, body: "{}" }).catch(() => null);
    // fetch may not let us set Host; use a raw request for that case
    void host;
    const { request } = await import("node:http");
    const forbidden = await new Promise<{ status: number; id: string }>((resolve, reject) => {
      const r = request(`${url}/v1/responses`, { method: "POST", headers: { host: "attacker.example", "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, id: String(res.headers["x-request-id"]) });
      });
      r.on("error", reject);
      r.end("{}");
    });
    expect(forbidden.status).toBe(403);
    const cross = await fetch(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: "{}" });
    const plain = await fetch(`${url}/v1/responses`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    const big = await post(rig.shim, { model: "ok", input: "x".repeat(20_000) });
    const badJson = await post(rig.shim, "{nope");
    const invalid = await post(rig.shim, { model: "ok", input: 42 });
    const msgInvalid = await post(rig.shim, { model: "ok", messages: "nope" }, CODEX_HEADERS, "/v1/messages");
    const compactInvalid = await post(rig.shim, { input: "x" }, CODEX_HEADERS, "/v1/responses/compact");
    const statuses = [cross.status, plain.status, big.status, badJson.status, invalid.status, msgInvalid.status, compactInvalid.status];
    expect(statuses).toEqual([403, 415, 413, 400, 400, 400, 400]);
    const ids = [forbidden.id, ...[cross, plain, big, badJson, invalid, msgInvalid, compactInvalid].map((r) => r.headers.get("x-request-id"))];
    const got = ids.map((id) => rig.shim.ctx.traces.get(id!)!);
    expect(got.map((t) => [t.outcome, t.httpStatus, t.rejection?.stage, t.endpoint])).toEqual([
      ["rejected", 403, "guard", "responses"],
      ["rejected", 403, "guard", "responses"],
      ["rejected", 415, "guard", "responses"],
      ["rejected", 413, "body", "responses"],
      ["rejected", 400, "body", "responses"],
      ["rejected", 400, "validation", "responses"],
      ["rejected", 400, "validation", "messages"],
      ["rejected", 400, "validation", "compact"],
    ]);
    expect(got[0].rejection!.detail).toContain("attacker.example");
    expect(got[3].error!.code).toBe("request_too_large");
    expect(got[5].requestedModel).toBe("ok");
    for (const t of got) expect(t.steps).toEqual([]);
  });

  it("/v1/messages and compaction are told apart from /v1/responses", async () => {
    const m = await byId(await post(rig.shim, { model: "ok", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }, { ...CODEX_HEADERS, "user-agent": "claude-cli/1.0.83 (external, cli)" }, "/v1/messages"));
    expect(m).toMatchObject({ endpoint: "messages", outcome: "completed", httpStatus: 200, client: { name: "claude-cli" } });
    const c = await post(rig.shim, { model: "ok", input: [{ type: "message", role: "user", content: "hi" }] }, CODEX_HEADERS, "/v1/responses/compact");
    expect(c.status).toBe(200);
    await c.text();
    const t = (await traces()).find((x) => x.endpoint === "compact" && x.outcome !== "rejected");
    expect(t).toMatchObject({ endpoint: "compact", httpStatus: 200, stream: false });
  });
});

describe("flow inspector endpoints", () => {
  it("/debug/requests/<id>: the trace as JSON, 404 for an unknown id, a browser is sent to the permalink", async () => {
    const [t] = await traces();
    const one = await fetch(`${rig.shim.url}/debug/requests/${t.id}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: t.id, capture: null });
    const missing = await fetch(`${rig.shim.url}/debug/requests/req_nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
    const html = await fetch(`${rig.shim.url}/debug/requests/${t.id}`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(html.status).toBe(302);
    expect(html.headers.get("location")).toBe(`/debug#${t.id}`);
  });

  it("the page: a strict CSP, no inline script or style, only same-origin assets, all of them served", async () => {
    const page = await fetch(`${rig.shim.url}/debug`);
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await page.text();
    expect(html).not.toMatch(/<script>(?!<)|<style|\son\w+=|style=|https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="(\/debug\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect((await fetch(`${rig.shim.url}${a}`)).status).toBe(200);
    expect((await fetch(`${rig.shim.url}/debug/assets/..%2Fcapture-store.ts`)).status).toBe(404);
    expect((await fetch(`${rig.shim.url}/debug/assets/nope.js`)).status).toBe(404);
  });

  it("export: a JSON attachment with the machine and the trace, no key or auth header anywhere", async () => {
    const t = (await traces()).find((x) => x.requestedModel === "ok" && x.outcome === "completed")!;
    const res = await fetch(`${rig.shim.url}/debug/requests/${t.id}/export`);
    expect(res.headers.get("content-disposition")).toContain(`codex-shim-${t.id}.json`);
    const text = await res.text();
    expect(text).not.toContain(SECRET_KEY);
    const report = JSON.parse(text);
    expect(report.trace.id).toBe(t.id);
    expect(report.machine.initial).toBe("classifying");
    const all = await (await fetch(`${rig.shim.url}/debug/requests`)).text();
    expect(all).not.toContain(SECRET_KEY);
  });

  it("pushes a new request and its state changes to /debug/events within 250 ms", async () => {
    const ac = new AbortController();
    const res = await fetch(`${rig.shim.url}/debug/events`, { signal: ac.signal });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    const seen: { at: number; trace: RequestTrace }[] = [];
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (block.startsWith("event: traces")) for (const t of JSON.parse(block.split("\ndata: ")[1])) seen.push({ at: performance.now(), trace: t });
        }
      }
    })();
    await waitFor(() => rig.shim.ctx.traces.subscribers > 0, 2000, "subscriber");
    const sent = performance.now();
    const r = await post(rig.shim, { model: "slow", stream: true, input: "hi" });
    const id = r.headers.get("x-request-id")!;
    const streaming = await waitFor(() => seen.find((s) => s.trace.id === id && s.trace.state === "streaming"), 2000, "pushed streaming state");
    expect(streaming.at - sent).toBeLessThan(250);
    rig.releaseSlow();
    await r.text();
    const done = await waitFor(() => seen.find((s) => s.trace.id === id && s.trace.final === "done" && s.trace.httpStatus === 200), 2000, "pushed final state");
    expect(done.trace.outcome).toBe("completed");
    ac.abort();
    await pump;
    await waitFor(() => rig.shim.ctx.traces.subscribers === 0, 2000, "unsubscribe on disconnect");
  });
});

describe("translation capture", () => {
  it("is off by default; the page's switch (same-origin JSON only) turns it on; captures hold both sides, redacted", async () => {
    expect(await (await fetch(`${rig.shim.url}/debug/capture`)).json()).toMatchObject({ enabled: false, maxRequests: 20 });
    const cross = await fetch(`${rig.shim.url}/debug/capture`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: '{"enabled":true}' });
    expect(cross.status).toBe(403);
    const bad = await fetch(`${rig.shim.url}/debug/capture`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"enabled":"yes"}' });
    expect(bad.status).toBe(400);
    const on = await fetch(`${rig.shim.url}/debug/capture`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"enabled":true}' });
    expect((await on.json()).enabled).toBe(true);
    try {
      const res = await post(rig.shim, { model: "ok", stream: true, input: `the key ${SECRET_KEY} leaked into a prompt` });
      const t = await byId(res);
      expect(t.captured).toBe(true);
      const { capture } = await (await fetch(`${rig.shim.url}/debug/requests/${t.id}`)).json();
      expect(JSON.parse(capture.codexRequest.body)).toMatchObject({ model: "ok" });
      expect(JSON.parse(capture.upstream[0].body)).toMatchObject({ model: "up-ok" });
      expect(capture.upstream[0].headers.authorization).toBe("[redacted]");
      expect(capture.codexRequest.headers.authorization).toBe("[redacted]");
      expect(capture.upstream[0].chunks.map((c: { text: string }) => c.text).join("")).toContain("from the upstream.");
      expect(capture.downstream.map((c: { text: string }) => c.text).join("")).toContain("response.completed");
      expect(JSON.stringify(capture)).not.toContain(SECRET_KEY);
    } finally {
      await fetch(`${rig.shim.url}/debug/capture`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"enabled":false}' });
    }
    const after = await byId(await post(rig.shim, { model: "ok", stream: true, input: "hi" }));
    expect(after.captured).toBe(false);
  });

  it("the settings file turns it on (`debug.capture`), and a typo there is a clear error", async () => {
    const file = rig.shim.settingsFile;
    const rows = rig.shim.ctx.store.current.models.map((m) => ({ slug: m.slug, model: m.model, provider: m.provider, base_url: m.baseUrl, api_key: m.apiKey }));
    writeFileSync(file, JSON.stringify({ models: rows, debug: { capture: true } }));
    expect(rig.shim.ctx.store.reload()).toBe(true);
    expect(rig.shim.ctx.traces.captures.enabled).toBe(true);
    writeFileSync(file, JSON.stringify({ models: rows, debug: { captur: true } }));
    expect(rig.shim.ctx.store.reload()).toBe(false);
    expect(String(rig.shim.ctx.store.lastError?.message)).toMatch(/debug\.captur: is not a known setting.*did you mean "capture"/);
    writeFileSync(file, JSON.stringify({ models: rows }));
    expect(rig.shim.ctx.store.reload()).toBe(true);
    expect(rig.shim.ctx.traces.captures.enabled).toBe(false);
  });
});

describe("flow inspector and the auto-router", () => {
  let routed: InspectorRig;
  beforeAll(async () => {
    routed = await startInspectorRig({
      settings: { router: { enabled: true, classifier: "heuristic", candidates: [{ slug: "limited", cost: 0.1, card: "cheap" }, { slug: "ok", cost: 1, card: "strong" }] } },
    });
  });
  afterAll(() => routed.close());

  it("a spill: asked codex-auto, the cheap model's 429, the spill arc, the model that answered, the router's reason", async () => {
    const res = await post(routed.shim, { model: "codex-auto", stream: true, input: "rename a variable" });
    expect(res.status).toBe(200);
    await res.text();
    const t = await waitFor(() => routed.shim.ctx.traces.list().find((x) => x.final), 3000, "routed trace");
    expect(t).toMatchObject({ requestedModel: "codex-auto", model: "ok", outcome: "completed", upstreamModel: "up-ok" });
    expect(t.routerReason).toMatch(/spilled limited/);
    expect(t.attempts.map((a) => a.status)).toEqual([429, 200]);
    const taken = t.steps.flatMap((s) => s.transitions);
    expect(taken).toContain("request.connecting|xstate.error.actor.connect|0");
    expect(taken.filter((id) => id === "request.selecting|always|0")).toHaveLength(2);
  });
});
