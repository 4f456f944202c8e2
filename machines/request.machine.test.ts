import { fakeConnectOutput } from "../test/helpers/fake-connect-output.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSimplePaths } from "@xstate/graph";
import { startScriptedUpstream, type ScriptStep, type ScriptedUpstream } from "../test/helpers/scripted-upstream.ts";
import { requestMachine, type RequestInput } from "./request.machine.ts";
import { parseSettings } from "../adapters/settings/parse-settings.ts";
import { discardSink } from "../adapters/stream/sse-body-sink.ts";
import { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { startTestShim, type TestShim } from "../test/helpers/start-test-shim.ts";
import { parseSseEvents } from "../test/helpers/parse-sse.ts";

const UPSTREAM = "http://127.0.0.1:59999/v1"; // only for the pure graph walk; never contacted
const settings = parseSettings({ models: [{ model: "up", slug: "m", provider: "openai", base_url: UPSTREAM, api_key: "sk-graph-test" }] }, null);

type Ev = { type: string; output?: unknown; error?: unknown };

/** `classifies`: a classify dep that has work for this request (the auto-router's slug); else `classifying` passes through. */
function inputFor(model: string, classifies: boolean): RequestInput {
  return {
    requestId: "req_graph",
    body: { model, stream: true, input: "hi" },
    settings,
    sink: discardSink,
    deps: {
      transport: { send: async () => new Response(), close: async () => {} },
      conversations: new ConversationCache(),
      env: {},
      keepAliveMs: 0,
      ...(classifies ? { classify: async () => ({ slug: model }) } : {}),
    },
  };
}

const connectOutput = fakeConnectOutput("m", UPSTREAM);

// Results of invoked actors are modelled as events (docs/stack.md §4). Paths that cannot happen
// in practice (the pump throwing) are not offered, so every generated path is one the real server
// can be driven along. `caching` is synchronous (no event), and with nothing to classify so is
// `classifying`.
const eventsFor = (model: string) => (s: { value: unknown }): Ev[] => {
  switch (s.value) {
    case "classifying":
      return [{ type: "xstate.done.actor.classify", output: { slug: model } }, { type: "xstate.error.actor.classify", error: new Error("router down") }, { type: "CLIENT_ABORT" }];
    case "connecting":
      return [{ type: "xstate.done.actor.connect", output: connectOutput }, { type: "xstate.error.actor.connect", error: new Error("HTTP 500") }, { type: "CLIENT_ABORT" }];
    case "streaming":
      return [{ type: "xstate.done.actor.pump", output: { outcome: "finished" } }, { type: "xstate.done.actor.pump", output: { outcome: "failed" } }, { type: "CLIENT_ABORT" }];
    default:
      return [];
  }
};

function pathsFor(model: string, classifies: boolean) {
  return getSimplePaths(requestMachine, {
    input: inputFor(model, classifies),
    events: eventsFor(model) as never,
    serializeState: (s: { value: unknown }) => JSON.stringify(s.value),
    toState: (s: { status: string }) => s.status === "done",
  } as never).map((p) => ({
    steps: p.steps.map((st) => st.event as unknown as Ev),
    final: String((p.state as { value: unknown }).value),
    model,
    classifies,
  }));
}

const allPaths = [...pathsFor("m", true), ...pathsFor("no-such-model", true), ...pathsFor("m", false), ...pathsFor("no-such-model", false)];

interface Scenario {
  model: string;
  classify: "none" | "done" | "error" | "hang";
  connect: "done" | "error" | "hang";
  pump: "finished" | "failed" | "hang";
}

function scenarioOf(path: { steps: Ev[]; classifies: boolean }, model: string): Scenario {
  const s: Scenario = { model, classify: path.classifies ? "hang" : "none", connect: "hang", pump: "hang" };
  for (const e of path.steps) {
    if (e.type === "xstate.done.actor.classify") s.classify = "done";
    if (e.type === "xstate.error.actor.classify") s.classify = "error";
    if (e.type === "xstate.done.actor.connect") s.connect = "done";
    if (e.type === "xstate.error.actor.connect") s.connect = "error";
    if (e.type === "xstate.done.actor.pump") s.pump = (e.output as { outcome: "finished" | "failed" }).outcome;
  }
  return s;
}

let scenario: Scenario;
let upstreamClosedAt = 0;
const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

// The upstream for the graph walk is a real loopback server: aborting a request mid-stream over
// MSW's emulated socket trips an undici assertion that a real socket never does.
const upstreamStep: ScriptStep = async (_req, res) => {
  upstreamClosedAt = 0;
  res.on("close", () => (upstreamClosedAt = Date.now()));
  if (scenario.connect === "error") {
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom" } }));
    return;
  }
  if (scenario.connect === "hang") return; // no headers until the shim gives up
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.write(chunk({ content: "hel" }));
  if (scenario.pump === "hang") return; // the client leaves mid-stream
  await new Promise((r) => setTimeout(r, 5));
  if (scenario.pump === "finished") res.end(chunk({ content: "lo" }) + chunk({}, "stop") + "data: [DONE]\n\n");
  else res.end(); // "failed": EOF without finish_reason or [DONE]
};

let shim: TestShim;
let up: ScriptedUpstream;
const classify: NonNullable<TestShim["ctx"]["classify"]> = async ({ body }) => {
  if (scenario.classify === "error") throw new Error("router down");
  if (scenario.classify === "hang") await new Promise((r) => setTimeout(r, 2000));
  return { slug: body.model };
};
beforeAll(async () => {
  up = await startScriptedUpstream([upstreamStep]);
  shim = await startTestShim({ models: [{ model: "up", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-graph-test" }] });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

async function untilFinal(id: () => string | undefined): Promise<{ events: string[]; final: string }> {
  const end = Date.now() + 5000;
  for (;;) {
    const t = shim.ctx.traces.list().find((x) => x.id === id() && x.final);
    if (t) return { events: t.steps.map((s) => s.event), final: t.final! };
    if (Date.now() > end) throw new Error("request actor did not reach a final state");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("request machine: every simple path, driven through the real server", () => {
  it("has the expected number of paths to final states", () => {
    // with a classifier: known model: classify done|error × (connect error, connect abort, stream finished,
    // stream failed, stream abort) + classify abort = 11; unknown model: classify done|error → failed, + classify abort = 3
    expect(allPaths.filter((p) => p.classifies)).toHaveLength(14);
    // nothing to classify: known model: connect error, connect abort, stream finished, stream failed, stream abort;
    // unknown model: failed before any event
    expect(allPaths.filter((p) => !p.classifies)).toHaveLength(6);
    expect(allPaths.filter((p) => !p.classifies && p.steps.some((s) => s.type.includes("classify")))).toEqual([]);
    expect(new Set(allPaths.map((p) => p.final))).toEqual(new Set(["done", "failed", "aborted"]));
  });

  for (const path of allPaths) {
    const model = path.model;
    const name = `${model}${path.classifies ? "" : " (nothing to classify)"}: ${path.steps.map((s) => (s.type === "xstate.done.actor.pump" ? `pump(${(s.output as { outcome: string }).outcome})` : s.type.replace("xstate.", ""))).join(" → ") || "no event"} ⇒ ${path.final}`;
    it(name, async () => {
      scenario = scenarioOf(path, model);
      shim.ctx.classify = path.classifies ? classify : undefined;
      const before = new Set(shim.ctx.traces.list().map((t) => t.id));
      const cachedBefore = shim.ctx.conversations.size;
      const ac = new AbortController();
      const abortsEarly = path.final === "aborted" && (scenario.classify === "hang" || scenario.connect === "hang");
      if (abortsEarly) setTimeout(() => ac.abort(), 150);
      const res = await fetch(`${shim.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model, stream: true, input: "hi" }),
        signal: ac.signal,
      }).catch((e) => e as Error);
      const newId = () => shim.ctx.traces.list().find((t) => !before.has(t.id))?.id;
      if (res instanceof Response && path.final === "aborted") {
        // aborted mid-stream: read the first bytes, then leave
        const reader = res.body!.getReader();
        await reader.read();
        ac.abort();
        await reader.cancel().catch(() => {});
      }
      const { events, final } = await untilFinal(newId);
      expect(final).toBe(path.final);
      if (final === "aborted" && scenario.classify !== "hang" && scenario.model === "m") {
        // the upstream request is aborted at once, not left to finish
        const end = Date.now() + 1000;
        while (!upstreamClosedAt && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
        expect(upstreamClosedAt).toBeGreaterThan(0);
      }
      expect(events).toEqual(path.steps.map((s) => s.type));
      // the entry reserved once the upstream answered is committed for a finished answer, dropped otherwise
      const cachedAfter = path.final === "done" ? cachedBefore + 1 : cachedBefore;
      for (const end = Date.now() + 1000; shim.ctx.conversations.size !== cachedAfter && Date.now() < end; ) await new Promise((r) => setTimeout(r, 5));
      expect(shim.ctx.conversations.size).toBe(cachedAfter);
      if (res instanceof Response && path.final !== "aborted") {
        const text = await res.text();
        if (path.final === "done") {
          const evs = parseSseEvents(text);
          expect(evs.at(-1).type).toBe("response.completed");
          // caching: the finished answer is in the conversation cache
          expect(shim.ctx.conversations.get(evs.at(-1).response.id)?.output).toEqual(evs.at(-1).response.output);
        } else if (scenario.pump === "failed") {
          const last = parseSseEvents(text).at(-1);
          expect(last.type).toBe("response.failed");
          expect(shim.ctx.conversations.get(last.response.id)).toBeUndefined();
        } else {
          expect(res.status).toBeGreaterThanOrEqual(400);
        }
      }
    });
  }
});

describe("request machine: the classifying state is the auto-router seam", () => {
  it("a classify dep picks the model: a slug no row has is served by the one the router chose", async () => {
    scenario = { model: "m", classify: "done", connect: "done", pump: "finished" };
    const seen: { body: string; settings: number }[] = [];
    const before = shim.ctx.classify;
    shim.ctx.classify = async ({ body, settings }) => {
      seen.push({ body: body.model, settings: settings.models.length });
      return { slug: "m" };
    };
    try {
      const res = await fetch(`${shim.url}/v1/responses`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "auto", stream: true, input: "hi" }) });
      const last = parseSseEvents(await res.text()).at(-1);
      expect(last.type).toBe("response.completed");
      expect(last.response.model).toBe("m");
      expect(seen).toEqual([{ body: "auto", settings: 1 }]);
    } finally {
      shim.ctx.classify = before;
    }
  });
});
