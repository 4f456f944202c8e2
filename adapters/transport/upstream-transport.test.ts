import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { writeFileSync } from "node:fs";
import { createFetchTransport, type Transport } from "./upstream-transport.ts";
import { DEFAULT_TIMEOUTS, type ModelTimeouts } from "../settings/settings-types.ts";
import { startTestShim, postResponses, type TestShim } from "../../test/helpers/start-test-shim.ts";
import { chatSse, chatChunk } from "../../test/helpers/scripted-upstream.ts";

/**
 * A loopback upstream that records every TCP connection (so a test can see which pools are
 * open) and can hold a response until released.
 */
let server: Server;
let url: string;
const sockets: { socket: Socket; closed: boolean }[] = [];
let held: ServerResponse[] = [];
let holdNext = false;

const CHAT_BODY = chatSse([chatChunk({ role: "assistant", content: "hi" }), chatChunk({}, "stop")]);

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (holdNext) {
        holdNext = false;
        res.write(": held\n\n");
        held.push(res);
      } else res.end(CHAT_BODY);
    });
  });
  server.on("connection", (socket) => {
    const s = { socket, closed: false };
    sockets.push(s);
    socket.on("close", () => (s.closed = true));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});
afterEach(() => {
  for (const r of held) r.end();
  held = [];
  holdNext = false;
});

const A: ModelTimeouts = { connectMs: 2_000, headersMs: 5_000, idleMs: 5_000 };
const B: ModelTimeouts = { connectMs: 2_000, headersMs: 6_000, idleMs: 5_000 };

async function call(t: Transport, timeouts: ModelTimeouts): Promise<string> {
  const res = await t.send({ url: `${url}/v1/chat/completions`, headers: { "content-type": "application/json" }, body: "{}", timeouts }, AbortSignal.timeout(5_000));
  return res.text();
}
const open = () => sockets.filter((s) => !s.closed).length;

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("createFetchTransport pools", () => {
  it("keeps one pool per timeout tuple and closes the pools no model uses any more", async () => {
    const t = createFetchTransport();
    const base = sockets.length;
    try {
      await call(t, A);
      await call(t, B);
      await call(t, A); // reuses A's keep-alive connection
      await call(t, DEFAULT_TIMEOUTS);
      expect(sockets.length - base).toBe(3);
      const [sa, sb, sd] = sockets.slice(base);

      t.retainTimeouts!([A]);
      await until(() => sb.closed, "B's idle connection to close");
      expect(sa.closed).toBe(false);
      expect(sd.closed).toBe(false); // the default tuple is always kept (ChatGPT passthrough, compaction)

      await call(t, A);
      expect(sockets.length - base).toBe(3);
      // A request that still carries the old tuple gets a fresh pool.
      await call(t, B);
      expect(sockets.length - base).toBe(4);
    } finally {
      await t.close();
    }
    await until(() => open() === 0, "every connection to close on transport.close()");
  });

  it("lets a call already running on a dropped pool finish, then closes that pool", async () => {
    const t = createFetchTransport();
    const base = sockets.length;
    try {
      holdNext = true;
      const res = await t.send({ url: `${url}/v1/chat/completions`, headers: {}, body: "{}", timeouts: B }, AbortSignal.timeout(5_000));
      expect(res.status).toBe(200);
      const body = res.text();
      t.retainTimeouts!([A]);
      await new Promise((r) => setTimeout(r, 50));
      const sb = sockets[base];
      expect(sb.closed).toBe(false);
      held[0].end("data: [DONE]\n\n");
      expect(await body).toBe(": held\n\ndata: [DONE]\n\n");
      await until(() => sb.closed, "the drained pool to close");
    } finally {
      await t.close();
    }
  });

  it("close() does not wait for a stalled call on a pool that is closing", async () => {
    const t = createFetchTransport();
    holdNext = true;
    const res = await t.send({ url: `${url}/v1/chat/completions`, headers: {}, body: "{}", timeouts: B }, AbortSignal.timeout(5_000));
    const body = res.text().catch(() => "aborted");
    t.retainTimeouts!([]);
    const started = Date.now();
    await t.close();
    // Aborted by the shutdown, long before the request's own 5 s signal.
    expect(await body).toBe("aborted");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("server wiring", () => {
  let shim: TestShim;
  afterEach(async () => {
    await shim?.close();
  });

  it("a settings reload that changes a model's timeouts closes the old pool", async () => {
    const row = (t: { connect_ms: number; headers_ms: number; idle_ms: number }) => ({
      models: [{ slug: "m", model: "up", provider: "openai", base_url: `${url}/v1`, api_key: "sk-test-123456", timeouts: t }],
    });
    shim = await startTestShim(row({ connect_ms: 2_000, headers_ms: 7_000, idle_ms: 7_000 }));
    const base = sockets.length;
    const res = await postResponses(shim, { model: "m", stream: true, input: "hi" });
    expect(await res.text()).toContain("response.completed");
    expect(sockets.length - base).toBe(1);
    const first = sockets[base];

    writeFileSync(shim.settingsFile, JSON.stringify(row({ connect_ms: 2_000, headers_ms: 8_000, idle_ms: 7_000 })));
    expect(shim.ctx.store.reload()).toBe(true);
    await until(() => first.closed, "the old pool's connection to close");

    await (await postResponses(shim, { model: "m", stream: true, input: "hi" })).text();
    expect(sockets.length - base).toBe(2);
  });
});
