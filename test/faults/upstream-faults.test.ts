import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { startTestShim, postResponses, type TestShim } from "../helpers/start-test-shim.ts";
import { parseSseEvents } from "../helpers/parse-sse.ts";
import { startFaultServer, sseChunk, sleep, type FaultServer } from "./fault-server.ts";

let up: FaultServer;
let shim: TestShim;
let refusedPort: number;
let plainTcp: NetServer;
const tcpSockets = new Set<Socket>();

const KEY = "sk-fault-test-secret-000111";

beforeAll(async () => {
  up = await startFaultServer();
  // A port nobody listens on: bind, read the port, close.
  const probe = createNetServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  refusedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  // Accepts TCP and answers a TLS ClientHello with plain text: a TLS handshake failure.
  plainTcp = createNetServer((s) => {
    tcpSockets.add(s);
    s.on("error", () => {});
    s.end("HTTP/1.1 400 Bad Request\r\n\r\n");
  });
  await new Promise<void>((r) => plainTcp.listen(0, "127.0.0.1", r));
  const tlsPort = (plainTcp.address() as { port: number }).port;
  const row = (slug: string, base_url: string, timeouts?: Record<string, number>) => ({ model: "up-model", slug, provider: "openai", base_url, api_key: KEY, ...(timeouts ? { timeouts } : {}) });
  shim = await startTestShim([
    row("m", `${up.url}/v1`, { headers_ms: 1500, idle_ms: 800 }),
    row("refused", `http://127.0.0.1:${refusedPort}/v1`),
    row("dns", "http://codex-shim-fault-test.invalid/v1"),
    row("tls", `https://127.0.0.1:${tlsPort}/v1`),
  ]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
  for (const s of tcpSockets) s.destroy();
  await new Promise<void>((r) => plainTcp.close(() => r()));
});

const req = (model = "m", extra: Record<string, unknown> = {}) => ({
  model,
  stream: true,
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  ...extra,
});

async function streamEvents(res: Response) {
  expect(res.status).toBe(200);
  const events = parseSseEvents(await res.text());
  const terminals = events.filter((e) => ["response.completed", "response.failed", "response.incomplete"].includes(e.type));
  expect(terminals).toHaveLength(1);
  expect(events.at(-1)).toBe(terminals[0]);
  const seqs = events.map((e) => e.sequence_number);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
  return { events, terminal: terminals[0] };
}

const text = (events: any[]) => events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");

describe("unreachable upstreams → retryable error naming the upstream", () => {
  it.each([
    ["refused", "connection refused", () => `127.0.0.1:${refusedPort}`],
    ["dns", "DNS lookup failed", () => "codex-shim-fault-test.invalid"],
    ["tls", "TLS handshake failed", () => "https://127.0.0.1:"],
  ])("%s", async (model, what, where) => {
    const res = await postResponses(shim, req(model));
    expect(res.status).toBeGreaterThanOrEqual(500); // Codex retries 5xx
    const body = await res.json();
    expect(body.error.code).toBe("upstream_unreachable");
    expect(body.error.message).toContain(what);
    expect(body.error.message).toContain(where());
    expect(body.error.message).toContain(model);
    expect(JSON.stringify(body)).not.toContain(KEY);
  });
});

describe("timeouts", () => {
  it("an upstream that accepts but never sends headers → 504 after headers_ms", async () => {
    up.handle(() => {}); // never answers
    const t0 = Date.now();
    const res = await postResponses(shim, req());
    const took = Date.now() - t0;
    expect(res.status).toBe(504);
    const body = await res.json();
    expect(body.error.code).toBe("upstream_timeout");
    expect(body.error.message).toMatch(/headers/);
    expect(body.error.message).toContain(up.url);
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(10_000);
  });

  it("an upstream that stalls mid-stream → response.failed server_error after idle_ms", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sseChunk({ role: "assistant", content: "partial" }));
      // then silence, socket left open
    });
    const { events, terminal } = await streamEvents(await postResponses(shim, req()));
    expect(text(events)).toBe("partial");
    expect(terminal.type).toBe("response.failed");
    expect(terminal.response.error.code).toBe("server_error");
    expect(terminal.response.error.message).toMatch(/idle timeout|silent/);
  });
});

describe("bad upstream bodies", () => {
  const finish = sseChunk({}, "stop");

  it("skips garbage, non-JSON and comment lines between valid events", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(
        ": a comment\n\n" + "garbage line without a field\n\n" + "data: {not json\n\n" + "data: 12345\n\n" + "data: null\n\n" +
          "data: []\n\n" + "event: weird\ndata: {\"choices\":\"nope\"}\n\n" + sseChunk({ content: "ok" }) + "retry: abc\n\n" + finish + "data: [DONE]\n\n",
      );
    });
    const { events, terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.completed");
    expect(text(events)).toBe("ok");
  });

  it("a stream cut in the middle of a JSON line → response.failed", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(sseChunk({ content: "a" }) + 'data: {"choices":[{"index":0,"delta":{"content":"tru');
    });
    const { terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.failed");
    expect(terminal.response.error.code).toBe("server_error");
  });

  it("an SSE line longer than the limit → response.failed naming the cause, no unbounded buffering", async () => {
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: ");
      const mb = "x".repeat(1024 * 1024);
      for (let i = 0; i < 12 && !res.destroyed; i++) {
        res.write(mb);
        await sleep(1);
      }
      res.end();
    });
    const { terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.failed");
    expect(terminal.response.error.message).toMatch(/line longer than/);
  });

  it("a missing [DONE] after a finish_reason still completes; without finish_reason it fails", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(sseChunk({ content: "done-less" }) + finish);
    });
    const a = await streamEvents(await postResponses(shim, req()));
    expect(a.terminal.type).toBe("response.completed");
    expect(text(a.events)).toBe("done-less");
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(sseChunk({ content: "cut" }));
    });
    const b = await streamEvents(await postResponses(shim, req()));
    expect(b.terminal.type).toBe("response.failed");
  });

  it("HTTP 200 with an HTML page → response.failed server_error (retryable)", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!doctype html><html><body><h1>Captive portal</h1></body></html>");
    });
    const { terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.failed");
    expect(terminal.response.error.code).toBe("server_error");
    expect(terminal.response.error.message).toMatch(/HTML/);
  });

  it("a gzip'd event stream is decoded", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream", "content-encoding": "gzip" });
      res.end(gzipSync(sseChunk({ content: "zipped ü" }) + finish + "data: [DONE]\n\n"));
    });
    const { events, terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.completed");
    expect(text(events)).toBe("zipped ü");
  });

  it("a gzip'd JSON body (upstream ignored stream: true) is decoded", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "whole" }, finish_reason: "stop" }] })));
    });
    const { events, terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.completed");
    expect(text(events)).toBe("whole");
  });

  it("UTF-8 characters split across chunk boundaries arrive intact", async () => {
    const answer = "héllo wörld — 你好 🎉🚀 ok";
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const bytes = Buffer.from(sseChunk({ content: answer }) + finish + "data: [DONE]\n\n");
      // one byte at a time through the multi-byte characters
      for (let i = 0; i < bytes.length; i += 1) {
        res.write(bytes.subarray(i, i + 1));
        if (i % 16 === 0) await sleep(0);
      }
      res.end();
    });
    const { events, terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.completed");
    expect(text(events)).toBe(answer);
    expect(terminal.response.output[0].content[0].text).toBe(answer);
  });

  it("an upstream that resets the connection mid-stream → response.failed", async () => {
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(sseChunk({ content: "x" }));
      await sleep(20);
      res.socket?.destroy();
    });
    const { terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.failed");
    expect(terminal.response.error.code).toBe("server_error");
  });

  it("an error object inside the stream → response.failed with its classified code", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(sseChunk({ content: "x" }) + `data: ${JSON.stringify({ error: { message: "Rate limit reached", code: "rate_limit_exceeded" } })}\n\n`);
    });
    const { terminal } = await streamEvents(await postResponses(shim, req()));
    expect(terminal.type).toBe("response.failed");
    expect(terminal.response.error.code).toBe("rate_limit_exceeded");
  });

  it("the key never appears in an error that echoes the upstream body", async () => {
    up.handle(({ res }) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `Invalid key ${KEY}` } }));
    });
    const res = await postResponses(shim, req());
    const body = await res.text();
    expect(body).not.toContain(KEY);
    expect(shim.logs.join("\n")).not.toContain(KEY);
  });
});
