import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { startFaultServer, sseChunk, sleep, waitFor, type FaultServer } from "./fault-server.ts";

let up: FaultServer;
let shim: TestShim;

beforeAll(async () => {
  up = await startFaultServer();
  shim = await startTestShim([{ model: "up-model", slug: "m", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-x" }]);
});
afterAll(async () => {
  await shim.close();
  await up.close();
});

const body = (stream = true) =>
  JSON.stringify({ model: "m", stream, input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }] });

/** A raw client request so the test decides exactly when the socket goes away. */
function open(payload: string, opts: { sendBody?: boolean } = {}): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const url = new URL(`${shim.url}/v1/responses`);
  const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } });
  req.on("error", () => {});
  const response = new Promise<IncomingMessage>((resolve) => req.on("response", resolve));
  if (opts.sendBody === false) req.write(payload.slice(0, 10));
  else req.end(payload);
  return { req, response };
}

/** Client gone → upstream socket closed quickly, and every request actor reached a final state. */
async function expectCleanAbort(abortedAt: number, callIndex: number) {
  await waitFor(() => up.calls.length > callIndex, 5000, "upstream call");
  const closedAt = await Promise.race([up.calls[callIndex].closed, sleep(3000).then(() => Infinity)]);
  const lag = closedAt - abortedAt;
  // "within milliseconds": generous for a loaded 2-core CI machine; the typical figure is ~1–3 ms.
  expect(lag).toBeLessThan(250);
  await waitFor(() => up.openSockets() === 0, 2000, "upstream sockets to close");
  await waitFor(() => shim.ctx.traces.list().every((t) => t.outcome !== "in_flight"), 2000, "request actors to finish");
  return lag;
}

describe("client disconnects at every phase", () => {
  it("while the upstream has not answered yet (connecting)", async () => {
    up.handle(() => {}); // never answers
    const n = up.calls.length;
    const { req } = open(body());
    await waitFor(() => up.calls.length > n, 5000, "upstream call");
    await sleep(20);
    const t = performance.now();
    req.destroy();
    await expectCleanAbort(t, n);
    expect(shim.ctx.traces.list()[0].final).toBe("aborted");
  });

  it("after upstream headers, before any body (streaming, upstream silent)", async () => {
    up.handle(({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.flushHeaders();
    });
    const n = up.calls.length;
    const { req, response } = open(body());
    const res = await response;
    expect(res.statusCode).toBe(200);
    const t = performance.now();
    req.destroy();
    await expectCleanAbort(t, n);
    expect(shim.ctx.traces.list()[0].final).toBe("aborted");
  });

  it("mid-stream, after some text deltas", async () => {
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(sseChunk({ content: `t${i} ` }));
        await sleep(5);
      }
      res.end();
    });
    const n = up.calls.length;
    const { req, response } = open(body());
    const res = await response;
    let got = "";
    await new Promise<void>((resolve) => {
      res.on("data", (d) => {
        got += d;
        if (got.includes("output_text.delta")) resolve();
      });
    });
    const t = performance.now();
    req.destroy();
    await expectCleanAbort(t, n);
    expect(shim.ctx.traces.list()[0].final).toBe("aborted");
  });

  it("while the client stops reading (backpressure) and then leaves", async () => {
    const big = "y".repeat(16 * 1024);
    let written = 0;
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 5000 && !res.destroyed; i++, written++) {
        if (!res.write(sseChunk({ content: big }))) await new Promise((r) => res.once("drain", r));
      }
      res.end();
    });
    const n = up.calls.length;
    const { req, response } = open(body());
    const res = await response;
    res.pause(); // never read: the shim must stop pulling from the upstream
    await sleep(300);
    // 80 MB on offer: backpressure must have stopped the shim from pulling it all in (the bound
    // leaves room for the kernel's autotuned loopback buffers, tcp_rmem up to 32 MiB here).
    expect(written).toBeLessThan(2500);
    const t = performance.now();
    req.destroy();
    await expectCleanAbort(t, n);
  });

  it("a non-streaming request whose client leaves while the upstream streams", async () => {
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(sseChunk({ content: "z" }));
        await sleep(5);
      }
      res.end();
    });
    const n = up.calls.length;
    const { req } = open(body(false));
    await waitFor(() => up.calls.length > n, 5000, "upstream call");
    await sleep(50);
    const t = performance.now();
    req.destroy();
    await expectCleanAbort(t, n);
    expect(shim.ctx.traces.list()[0].final).toBe("aborted");
  });

  it("before the request body is complete: no upstream call, nothing left behind", async () => {
    const n = up.calls.length;
    const { req } = open(body(), { sendBody: false });
    await sleep(50);
    req.destroy();
    await sleep(100);
    expect(up.calls.length).toBe(n);
    // the server still answers
    const health = await fetch(`${shim.url}/health`);
    expect(health.status).toBe(200);
  });

  it("many clients leaving at once leave no sockets or actors behind", async () => {
    up.handle(async ({ res }) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(sseChunk({ content: "w" }));
        await sleep(10);
      }
      res.end();
    });
    const n = up.calls.length;
    const clients = Array.from({ length: 32 }, () => open(body()));
    await Promise.all(clients.map((c) => c.response));
    await waitFor(() => up.calls.length >= n + 32, 5000, "all upstream calls");
    for (const c of clients) c.req.destroy();
    await waitFor(() => up.openSockets() === 0, 3000, "upstream sockets to close");
    await waitFor(() => shim.ctx.traces.list().every((t) => t.outcome !== "in_flight"), 3000, "request actors to finish");
  });
});
