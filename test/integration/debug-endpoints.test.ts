import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";

let up: ScriptedUpstream;
let shim: TestShim;
beforeAll(async () => {
  up = await startScriptedUpstream([chatTextStep("ok")]);
  shim = await startTestShim([{ model: "up", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "k" }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

describe("state visualizer endpoints", () => {
  it("records each request's events with the state each led to", async () => {
    await (await postResponses(shim, { model: "m", stream: true, input: "hi" })).text();
    await new Promise((r) => setTimeout(r, 20));
    const [trace] = await (await fetch(`${shim.url}/debug/requests`)).json();
    expect(trace.final).toBe("done");
    expect(trace.steps.map((s: { event: string; state: string }) => `${s.event}→${s.state}`)).toEqual([
      "xstate.init→classifying",
      "xstate.done.actor.classify→connecting",
      "xstate.done.actor.connect→streaming",
      "xstate.done.actor.pump→caching",
      "xstate.done.actor.remember→done",
    ]);
  });

  it("serves the machine graph, including eventless transitions, and an offline HTML page", async () => {
    const g = await (await fetch(`${shim.url}/debug/machine`)).json();
    const edges = g.edges.map((e: { from: string; to: string; on: string }) => `${e.from}>${e.to}:${e.on}`);
    expect(edges).toContain("request.selecting>request.connecting:always");
    expect(edges).toContain("request.streaming>request.caching:xstate.done.actor.pump");
    const page = await fetch(`${shim.url}/debug`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("/debug/machine");
    expect(html).not.toMatch(/<script[^>]+src=|https?:\/\/(?!127)/);
  });
});
