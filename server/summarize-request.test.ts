import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestShim, postResponses, type TestShim } from "../test/helpers/start-test-shim.ts";
import { startScriptedUpstream, chatTextStep, httpErrorStep, type ScriptedUpstream } from "../test/helpers/scripted-upstream.ts";
import { freePort } from "../test/helpers/free-port.ts";

/** The request log line (issue 16 item 8): the upstream's status and the shim's, apart; per-model notes once. */
let up: ScriptedUpstream;
let shim: TestShim;
let deadPort: number;

beforeAll(async () => {
  up = await startScriptedUpstream();
  deadPort = await freePort();
  shim = await startTestShim([
    { model: "m", slug: "ok", provider: "openai", base_url: `${up.url}/v1`, api_key: "k" },
    { model: "m", slug: "other", provider: "openai", base_url: `${up.url}/v1`, api_key: "k" },
    { model: "m", slug: "dead", provider: "openai", base_url: `http://127.0.0.1:${deadPort}/v1`, api_key: "k" },
  ]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const body = (model: string, extra: Record<string, unknown> = {}) => ({ model, stream: true, input: "hi", ...extra });

async function lineFor(model: string, extra: Record<string, unknown> = {}): Promise<string> {
  const before = shim.logs.length;
  const res = await postResponses(shim, body(model, extra));
  await res.text();
  for (let i = 0; i < 50; i++) {
    const l = shim.logs.slice(before).find((x) => x.startsWith("[req]"));
    if (l) return l;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no [req] line");
}

describe("request log line", () => {
  it("shows the upstream's 401 and the shim's own 400 separately", async () => {
    up.setScript([httpErrorStep(401, { error: { message: "bad key" } })]);
    const l = await lineFor("ok");
    expect(l).toMatch(/ upstream=401 status=400 /);
    expect(l).toMatch(/outcome=failed\(/);
  });

  it("a refused connection has no upstream status", async () => {
    const l = await lineFor("dead");
    expect(l).toMatch(/ upstream=none status=502 /);
  });

  it("a success is upstream=200 status=200", async () => {
    up.setScript([chatTextStep("hello")]);
    expect(await lineFor("ok")).toMatch(/ upstream=200 status=200 /);
  });

  it("says a dropped hosted tool once per model, not on every request", async () => {
    const tools = { tools: [{ type: "web_search" }] };
    const lines: string[] = [];
    for (const model of ["ok", "ok", "other", "other"]) {
      up.setScript([chatTextStep("x")]);
      lines.push(await lineFor(model, tools));
    }
    const noted = lines.map((l) => l.includes("hosted tool web_search not sent"));
    expect(noted).toEqual([true, false, true, false]);
  });
});
