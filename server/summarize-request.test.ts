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

describe("requests refused before the machine", () => {
  const post = (path: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${shim.url}${path}`, { method: "POST", headers, body }).then(async (r) => ({ status: r.status, id: r.headers.get("x-request-id"), text: await r.text() }));
  const logged = (id: string | null) => shim.logs.find((l) => l.startsWith(`[req] ${id} `));

  it("get a summary line too: bad JSON, unknown previous_response_id, a non-JSON body, a compact without a model", async () => {
    const cases = [
      [await post("/v1/responses", "{bad"), /^\[req\] \S+ model=- route=- upstream=- status=400 .* outcome=rejected\(invalid_json\)$/],
      [await post("/v1/responses", JSON.stringify({ model: "ok", input: "hi", previous_response_id: "resp_gone" })), /model=ok .*status=400 .*outcome=rejected\(previous_response_not_found\)$/],
      [await post("/v1/responses", "{}", { "content-type": "text/plain" }), /status=415 .*outcome=rejected\(unsupported_media_type\)$/],
      [await post("/v1/responses/compact", JSON.stringify({ input: "x" })), /status=400 .*outcome=rejected\(invalid_request\) endpoint=compact$/],
    ] as const;
    for (const [res, line] of cases) expect(logged(res.id), res.text).toMatch(line);
  });

  it("a model name cannot forge log lines: control characters and spaces are quoted", async () => {
    const before = shim.logs.length;
    const evil = 'x\n[req] fake outcome=completed "';
    const res = await postResponses(shim, body(evil));
    await res.text();
    const res2 = await post("/v1/responses", JSON.stringify({ model: evil, input: "hi", previous_response_id: "resp_gone" }));
    const lines = shim.logs.slice(before).filter((l) => l.includes("fake"));
    expect(lines.length).toBe(2);
    for (const l of lines) {
      expect(l).not.toContain("\n");
      expect(l).toContain(`model=${JSON.stringify(evil)} `);
    }
    expect(logged(res2.id)).toBeDefined();
  });
});
