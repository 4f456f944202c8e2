import { fakeConnectOutput } from "../test/helpers/fake-connect-output.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSimplePaths } from "@xstate/graph";
import { requestMachine, type RequestInput } from "./request.machine.ts";
import { parseSettings } from "../adapters/settings/parse-settings.ts";
import { discardSink } from "../adapters/stream/sse-body-sink.ts";
import { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { ShimError } from "../adapters/errors/shim-error.ts";
import { RouteDecision } from "../adapters/router/route-decision.ts";
import { startTestShim, type TestShim } from "../test/helpers/start-test-shim.ts";
import { startMockMultiModelUpstream, type MockUpstream } from "../cli/router-demo/mock-multi-model-upstream.ts";

// The classify paths of the request machine: a router decision, the router refusing (its own
// ShimError), a router bug (any other error), and the 429 spill from one candidate to the next.
const UPSTREAM = "http://127.0.0.1:59999/v1"; // only for the pure graph walk; never contacted
const row = (model: string, slug: string, base = UPSTREAM) => ({ model, slug, provider: "openai", base_url: base, api_key: "sk-router-graph" });
const routerBlock = { enabled: true, classifier: "heuristic", candidates: [{ slug: "cheap", cost: 0.3 }, { slug: "mid", cost: 1 }] };
const settings = parseSettings({ models: [row("cheap-model", "cheap"), row("mid-model", "mid")], router: routerBlock }, null);
const view = (slug: string, cost: number) => ({ slug, cost, card: "", supportsImages: false, contextWindow: 128_000 });

function freshDecision(): RouteDecision {
  return new RouteDecision({
    requestId: "req_graph",
    requested: "codex-auto",
    slug: "cheap",
    reason: "score>=0.70, cheapest",
    source: "heuristic",
    key: "turn:t:u",
    thread: "t",
    ranking: ["cheap", "mid"],
    candidates: [view("cheap", 0.3), view("mid", 1)],
    hasImages: false,
    hooks: { isCoolingDown: () => false, onSpill: () => {} },
  });
}

type Ev = { type: string; output?: unknown; error?: unknown };
const rateLimited = () => new ShimError({ status: 429, code: "rate_limit_exceeded", message: "rate limited", retryAfter: 60 });
const fakeConnect = fakeConnectOutput("cheap", UPSTREAM);

const input: RequestInput = {
  requestId: "req_graph",
  body: { model: "codex-auto", stream: true, input: "hi" },
  settings,
  sink: discardSink,
  // the router's slug: `classifying` has work (a request for any other slug passes through it)
  deps: { transport: { send: async () => new Response(), close: async () => {} }, conversations: new ConversationCache(), env: {}, keepAliveMs: 0, classify: async () => ({ slug: "cheap" }), classifies: () => true },
};

const eventsFor = (s: { value: unknown }): Ev[] => {
  switch (s.value) {
    case "classifying":
      return [
        { type: "xstate.done.actor.classify", output: (() => ({ slug: "cheap", decision: freshDecision() }))() },
        { type: "xstate.error.actor.classify", error: new ShimError({ status: 404, code: "model_not_found", message: "router disabled" }) },
        { type: "xstate.error.actor.classify", error: new Error("router bug") },
      ];
    case "connecting":
      return [{ type: "xstate.done.actor.connect", output: fakeConnect }, { type: "xstate.error.actor.connect", error: rateLimited() }];
    case "streaming":
      return [{ type: "xstate.done.actor.pump", output: { outcome: "finished" } }];
    default:
      return [];
  }
};

const paths = getSimplePaths(requestMachine, {
  input,
  events: eventsFor as never,
  serializeState: (s: { value: unknown; context: { slug: string } }) => `${JSON.stringify(s.value)}:${s.context.slug}`,
  toState: (s: { status: string }) => s.status === "done",
} as never).map((p) => ({ steps: p.steps.map((st) => st.event as unknown as Ev), final: String((p.state as { value: unknown }).value), slug: (p.state as unknown as { context: { slug: string } }).context.slug }));

let up: MockUpstream;
let shim: TestShim;
beforeAll(async () => {
  up = await startMockMultiModelUpstream();
  shim = await startTestShim({ models: [row("cheap-model", "cheap", `${up.url}/v1`), row("mid-model", "mid", `${up.url}/v1`)], router: routerBlock }, { env: { CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" } });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});
beforeEach(() => {
  up.rateLimited.clear();
  shim.ctx.router!.clearCooldowns();
  shim.ctx.router!.cache.clear();
  delete shim.ctx.env.CODEX_SHIM_DISABLE_ROUTER;
  shim.ctx.classify = undefined;
});

describe("request machine: classify and spill paths, driven through the real server", () => {
  it("walks every classify outcome and the spill chain", () => {
    const names = paths.map((p) => p.steps.map((s) => s.type.replace("xstate.", "")).join(" → "));
    expect(names.filter((n) => n.includes("error.actor.connect → done.actor.connect"))).toHaveLength(1);
    expect(new Set(paths.map((p) => `${p.final}:${p.slug}`))).toEqual(new Set(["done:cheap", "done:mid", "failed:mid", "failed:codex-auto"]));
  });

  for (const [i, path] of paths.entries()) {
    const types = path.steps.map((s) => s.type);
    const connectErrors = types.filter((t) => t === "xstate.error.actor.connect").length;
    const classifyError = path.steps.find((s) => s.type === "xstate.error.actor.classify")?.error;
    const kind = classifyError instanceof ShimError ? "router refuses: " : classifyError ? "router bug: " : "";
    const name = `${kind}${types.map((t) => t.replace("xstate.", "")).join(" → ")} ⇒ ${path.final} on ${path.slug}`;
    it(name, async () => {
      if (classifyError instanceof ShimError) shim.ctx.env.CODEX_SHIM_DISABLE_ROUTER = "1";
      else if (classifyError) shim.ctx.classify = async () => Promise.reject(new Error("router bug"));
      if (connectErrors >= 1) up.rateLimited.add("cheap-model");
      if (connectErrors >= 2) up.rateLimited.add("mid-model");
      const before = new Set(shim.ctx.traces.list().map((t) => t.id));
      const res = await fetch(`${shim.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-codex-turn-metadata": JSON.stringify({ thread_id: "g", turn_id: `path-${i}`, request_kind: "turn" }) },
        body: JSON.stringify({ model: "codex-auto", stream: true, input: "say hi" }),
      });
      await res.text();
      const trace = shim.ctx.traces.list().find((t) => !before.has(t.id) && t.final);
      expect(trace?.final).toBe(path.final);
      expect(trace!.steps.map((s) => s.event)).toEqual(types);
      if (path.final === "done") expect(res.status).toBe(200);
      else expect(res.status).toBe(classifyError instanceof ShimError ? 404 : connectErrors ? 429 : 404);
      if (!classifyError) {
        expect(trace!.requestedModel).toBe("codex-auto");
        expect(trace!.model).toBe(path.slug);
        expect(trace!.routerReason).toMatch(/^heuristic/);
      }
    });
  }
});
