import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sseStep, startScriptedUpstream, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { postResponses, startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { responsesSse } from "../helpers/responses-sse.ts";
import { checkCodexStream } from "../helpers/check-codex-stream.ts";
import { readSharedFixture, codexRequestBody } from "../helpers/shared-fixtures.ts";
import { decodeCompactionSummary } from "../../adapters/compaction/compaction-carrier.ts";

let up: ScriptedUpstream;
let shim: TestShim;
let slow: TestShim;

beforeAll(async () => {
  up = await startScriptedUpstream();
  const rows = [
    { model: "qwen3-coder", slug: "local", provider: "responses", base_url: `${up.url}/v1` },
    { model: "qwen3-other", slug: "local-2", provider: "responses", base_url: `${up.url}/v1` },
  ];
  shim = await startTestShim(rows);
  slow = await startTestShim(rows, { keepAliveMs: 100 });
});
afterAll(async () => {
  await shim.close();
  await slow.close();
  await up.close();
});

const turn = () => ({ ...codexRequestBody("tool-loop-turn1"), model: "local" });

describe("provider openai-responses over HTTP", () => {
  it("relays a recorded Codex stream as it came, with the model name swapped to the slug", async () => {
    // the recording names no model; the upstream's own name goes on every response object so the swap is exercised
    const recorded = readSharedFixture("codex-0.169/text-turn1.sse").replaceAll('"object":"response",', '"object":"response","model":"qwen3-coder",');
    up.setScript([sseStep(recorded)]);
    const res = await postResponses(shim, turn());
    expect(res.status).toBe(200);
    const events = parseSseEvents(await res.text());
    const original = parseSseEvents(recorded);
    expect(events.map((e) => e.type)).toEqual(original.map((e) => e.type));
    expect(events.find((e) => e.type === "response.output_text.delta")).toEqual(original.find((e) => e.type === "response.output_text.delta"));
    const models = events.filter((e) => e.response?.model).map((e) => e.response.model);
    expect(models.length).toBeGreaterThan(0);
    expect(new Set(models)).toEqual(new Set(["local"]));
  });

  it("hands Codex a well-formed stream from a well-formed server (text and a tool call)", async () => {
    up.setScript([sseStep(responsesSse("resp_ok", "qwen3-coder", [{ text: "Let me look." }, { call: { name: "exec_command", arguments: '{"cmd":"ls"}', callId: "call_1" } }]))]);
    const res = await postResponses(shim, turn());
    const report = checkCodexStream(await res.text());
    expect(report.errors).toEqual([]);
    expect(report.items.map((i) => i.type)).toEqual(["message", "function_call"]);
  });

  it("learns a field the server rejects: drops it, retries, and leaves it out of the next request", async () => {
    up.requests.length = 0;
    let calls = 0;
    up.setScript([
      (req, res) => {
        calls++;
        if ("prompt_cache_key" in req.body) {
          res.writeHead(400, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "Unrecognized request argument supplied: prompt_cache_key", type: "invalid_request_error", param: "prompt_cache_key" } }));
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(responsesSse(`resp_${calls}`, "qwen3-coder", [{ text: "ok" }]));
      },
    ]);
    const first = await postResponses(shim, turn());
    expect(first.status).toBe(200);
    expect(parseSseEvents(await first.text()).at(-1).type).toBe("response.completed");
    expect(up.requests.map((r) => "prompt_cache_key" in r.body)).toEqual([true, false]);
    const second = await postResponses(shim, turn());
    await second.text();
    expect(up.requests.length).toBe(3);
    expect("prompt_cache_key" in up.requests[2].body).toBe(false); // remembered: no failed round trip
    expect(shim.logs.filter((l) => l.startsWith("[req]")).join("\n")).toContain("prompt_cache_key");
  });

  it("maps a 429 to the status and Retry-After Codex waits on", async () => {
    up.setScript([
      (_req, res) => {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
        res.end(JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded" } }));
      },
    ]);
    const res = await postResponses(shim, { ...turn(), model: "local-2" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    await res.text();
  });

  it("keeps Codex's idle timer alive while the server is silent, with sequence numbers still strictly increasing", async () => {
    up.setScript([
      async (_req, res) => {
        const body = responsesSse("resp_slow", "qwen3-coder", [{ text: "thought long" }]);
        const cut = body.indexOf("\n\n") + 2; // response.created first, then silence
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(body.slice(0, cut));
        await new Promise((r) => setTimeout(r, 1100));
        res.end(body.slice(cut));
      },
    ]);
    const res = await postResponses(slow, turn());
    const events = parseSseEvents(await res.text());
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "response.in_progress").length).toBeGreaterThanOrEqual(3); // upstream's own + keep-alives
    const seqs = events.map((e) => e.sequence_number);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    expect(types.at(-1)).toBe("response.completed");
  });

  it("answers a non-streaming client with the upstream's response object", async () => {
    up.setScript([
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id: "resp_json", object: "response", status: "completed", model: "qwen3-coder", output: [{ type: "message", role: "assistant", content: [{ type: "output_text", text: "hi" }] }], usage: { input_tokens: 1, output_tokens: 1 } }));
      },
    ]);
    const res = await postResponses(shim, { ...turn(), stream: false });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: "resp_json", status: "completed", model: "local" });
    expect(body.usage.total_tokens).toBe(2);
  });

  it("answers remote compaction with one compaction item carrying the server's summary", async () => {
    up.requests.length = 0;
    up.setScript([sseStep(responsesSse("resp_c", "qwen3-coder", [{ text: "Summary: we wrote out.txt." }]))]);
    const req = turn();
    req.input = [...req.input, { type: "compaction_trigger" }];
    const res = await postResponses(shim, req);
    const events = parseSseEvents(await res.text());
    const items = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
    expect(items.map((i) => i.type)).toEqual(["compaction"]);
    expect(decodeCompactionSummary(items[0].encrypted_content)?.summary).toBe("Summary: we wrote out.txt.");
    expect(up.requests[0].body).not.toHaveProperty("tools");
  });
});
