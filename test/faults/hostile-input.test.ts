import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { startFaultServer, sseChunk, type FaultServer } from "./fault-server.ts";

let up: FaultServer;
let shim: TestShim;

beforeAll(async () => {
  up = await startFaultServer(({ res }) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(sseChunk({ content: "ok" }) + sseChunk({}, "stop") + "data: [DONE]\n\n");
  });
  shim = await startTestShim([{ model: "up-model", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-x" }], {
    env: { ...process.env, CODEX_SHIM_MAX_BODY_MB: "1" },
  });
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

/** Raw POST with exact bytes (fetch would re-encode strings). */
function rawPost(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const url = new URL(shim.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const post = (body: unknown) => rawPost("/v1/responses", typeof body === "string" ? body : JSON.stringify(body));
const msg = (content: unknown) => ({ type: "message", role: "user", content });

function expectClear4xx(r: { status: number; text: string }, status?: number) {
  expect(r.status, r.text).toBeGreaterThanOrEqual(400);
  expect(r.status, r.text).toBeLessThan(500);
  if (status) expect(r.status, r.text).toBe(status);
  expect(r.text).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(r.text.length).toBeLessThan(2000);
}

/** JSON text nested `depth` levels deep (built as text: JSON.stringify itself would overflow). */
function nested(depth: number): string {
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? "[" : '{"a":';
    close = (i % 2 ? "]" : "}") + close;
  }
  return `${open}"leaf"${close}`;
}

describe("hostile input on POST /v1/responses", () => {
  it.each([
    ["malformed JSON", '{"model": "m", "input": [', /not valid JSON/],
    ["empty body", "", /empty|not valid JSON/],
    ["JSON null", "null", /JSON object/],
    ["JSON array", "[1,2]", /JSON object/],
    ["JSON string", '"hello"', /JSON object/],
    ["model is a number", { model: 5, input: "hi" }, /model/],
    ["model missing", { input: "hi" }, /model/],
    ["input is a number", { model: "m", input: 5 }, /input/],
    ["input item is a number", { model: "m", input: [5] }, /input\[0\]/],
    ["input item type is an object", { model: "m", input: [{ type: {} }] }, /type/],
    ["message role missing", { model: "m", input: [{ type: "message", content: "x" }] }, /role/],
    ["content is a number", { model: "m", input: [msg(5)] }, /content/],
    ["content part without type", { model: "m", input: [msg([{ text: "x" }])] }, /type/],
    ["function_call without call_id", { model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }, /call_id/],
    ["tools is an object", { model: "m", input: "hi", tools: {} }, /tools/],
    ["tool without type", { model: "m", input: "hi", tools: [{ name: "x" }] }, /tools\[0\]/],
    ["stream is a string", { model: "m", input: "hi", stream: "yes" }, /stream/],
    ["unknown model", { model: "nope", input: "hi" }, /Unknown model/],
  ])("%s → clear 4xx", async (_name, body, message) => {
    const r = await post(body);
    expectClear4xx(r);
    expect(JSON.parse(r.text).error.message).toMatch(message);
  });

  it("invalid UTF-8 → 400", async () => {
    const r = await rawPost("/v1/responses", Buffer.concat([Buffer.from('{"model":"m","input":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    expectClear4xx(r, 400);
    expect(r.text).toMatch(/UTF-8/);
  });

  it("a body above the documented limit → 413 (declared length)", async () => {
    const r = await post({ model: "m", input: "x".repeat(1024 * 1024 + 10) });
    expectClear4xx(r, 413);
    expect(r.text).toMatch(/CODEX_SHIM_MAX_BODY_MB/);
  });

  it("a chunked body that grows past the limit → 413", async () => {
    const url = new URL(shim.url);
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: "/v1/responses", method: "POST", agent: false, headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.write('{"model":"m","input":"');
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 40 && req.write(chunk)) sent++;
        if (sent < 40) req.once("drain", () => { sent++; pump(); });
        else req.end('"}');
      };
      pump();
    });
    expectClear4xx(r, 413);
  });

  it("deeply nested values → 400, not a stack overflow", async () => {
    for (const where of [
      `{"model":"m","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"x","extra":${nested(5000)}}]}]}`,
      `{"model":"m","input":"hi","tools":[{"type":"function","name":"f","parameters":${nested(5000)}}]}`,
      `{"model":"m","input":"hi","metadata":${nested(100_000)}}`,
    ]) {
      const r = await post(where);
      expectClear4xx(r, 400);
      expect(r.text).toMatch(/nested/);
    }
  });

  it("unknown input item and content types do not break the request", async () => {
    const r = await post({
      model: "m",
      stream: true,
      input: [{ type: "something_new", payload: { x: 1 } }, msg([{ type: "input_hologram", data: "?" }, { type: "input_text", text: "hi" }]), { type: "message", role: "wizard", content: "x" }],
      tools: [{ type: "teleport" }],
    });
    expect(r.status).toBeLessThan(500);
    if (r.status === 200) expect(r.text).toContain("response.completed");
  });

  it("odd but valid strings (NUL, lone surrogates, huge unicode) are forwarded, not crashed on", async () => {
    const r = await post({ model: "m", stream: true, input: [msg([{ type: "input_text", text: "a\u0000b \ud800 \udfff 🎉".repeat(100) }])] });
    expect(r.status).toBe(200);
    expect(r.text).toContain("response.completed");
  });

  it("wrong content type → 415; cross-site origin → 403; foreign Host → 403", async () => {
    expectClear4xx(await rawPost("/v1/responses", "{}", { "content-type": "text/plain" }), 415);
    expectClear4xx(await rawPost("/v1/responses", JSON.stringify({ model: "m", input: "x" }), { origin: "https://evil.example" }), 403);
    expectClear4xx(await rawPost("/v1/responses", JSON.stringify({ model: "m", input: "x" }), { host: "evil.example" }), 403);
  });
});

describe("hostile input on the other endpoints", () => {
  it.each([
    ["GET", "/nope"],
    ["GET", "/v1/responses"],
    ["PUT", "/v1/responses"],
    ["DELETE", "/v1/models"],
    ["POST", "/health"],
    ["GET", "/v1/%ZZ%"],
    ["GET", "/health?x=%ZZ&y=" + "a".repeat(4000)],
    ["GET", "/v1/models/../../etc/passwd"],
  ])("%s %s → 4xx, never a 500", async (method, path) => {
    const url = new URL(shim.url);
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path, method, agent: false, headers: { "content-type": "application/json" } }, (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.end(method === "GET" ? undefined : "{}");
    });
    if (path.startsWith("/health?")) expect(r.status).toBe(200);
    else expectClear4xx(r);
  });

  it("garbage bytes instead of HTTP → the socket closes, the server lives on", async () => {
    const url = new URL(shim.url);
    await new Promise<void>((resolve) => {
      const s = connect(Number(url.port), url.hostname, () => s.end("\x00\x01\x02 NOT HTTP\r\n\r\n"));
      s.on("error", () => resolve());
      s.on("close", () => resolve());
      s.resume();
    });
    const health = await fetch(`${shim.url}/health`);
    expect(health.status).toBe(200);
  });

  it("a request header larger than Node's limit → 431, server lives on", async () => {
    const r = await fetch(`${shim.url}/health`, { headers: { "x-junk": "j".repeat(70 * 1024) } }).catch(() => null);
    if (r) expect(r.status).toBe(431);
    expect((await fetch(`${shim.url}/health`)).status).toBe(200);
  });

  it("no 500s and no stack traces were logged along the way", () => {
    expect(shim.logs.join("\n")).not.toMatch(/\[err\]/);
  });
});
