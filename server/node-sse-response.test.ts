import { afterEach, describe, expect, it, vi } from "vitest";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import { createNodeSseResponse } from "./node-sse-response.ts";

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = null;
});

/** Writes until the client is behind for real (the kernel's socket buffers full too): the wait that stays pending. */
async function fillUntilBehind(write: (chunk: Uint8Array) => void | Promise<void>): Promise<{ wait: Promise<void> }> {
  const chunk = new Uint8Array(64 * 1024);
  for (let i = 0; i < 4096; i++) {
    const w = write(chunk);
    if (!w) continue;
    const still = await Promise.race([w.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 30))]);
    if (still) return { wait: w };
  }
  throw new Error("the client never fell behind");
}

/** A loopback server whose one response is handed to the test, and a client request to it. */
async function exchange(): Promise<{ res: ServerResponse; client: Promise<IncomingMessage>; abort: () => void }> {
  let give!: (res: ServerResponse) => void;
  const got = new Promise<ServerResponse>((r) => (give = r));
  server = createServer((_req, res) => give(res));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const req = request({ host: "127.0.0.1", port, method: "POST", path: "/" });
  req.on("error", () => {});
  const client = new Promise<IncomingMessage>((r) => req.on("response", r));
  req.end("{}");
  return { res: await got, client, abort: () => req.destroy() };
}

const bytes = (s: string) => new TextEncoder().encode(s);

const text = (m: IncomingMessage) =>
  new Promise<string>((r) => {
    let s = "";
    m.setEncoding("utf8");
    m.on("data", (d: string) => (s += d));
    m.on("end", () => r(s));
  });

describe("createNodeSseResponse", () => {
  it("writes the head with the first event (headers read then), every event in order, and ends on close", async () => {
    const { res, client } = await exchange();
    const onGone = vi.fn();
    let asked = 0;
    const { sink } = createNodeSseResponse(res, () => ({ "content-type": "text/event-stream", "x-asked": String(++asked) }), onGone);
    expect(res.headersSent).toBe(false);
    expect(sink.write(bytes("data: 1\n\n"))).toBeUndefined();
    expect(res.headersSent).toBe(true);
    sink.write(bytes("data: ü\n\n"));
    sink.write(bytes("data: 3\n\n"));
    sink.close();
    const m = await client;
    expect(m.statusCode).toBe(200);
    expect(m.headers["x-asked"]).toBe("1");
    expect(await text(m)).toBe("data: 1\n\ndata: ü\n\ndata: 3\n\n");
    await new Promise((r) => setImmediate(r));
    expect(onGone).not.toHaveBeenCalled();
    expect(sink.closed).toBe(true);
  });

  it("start() sends the head before any event (a relay's first bytes wait for the upstream)", async () => {
    const { res, client } = await exchange();
    const n = createNodeSseResponse(res, () => ({ "x-early": "yes" }), () => {});
    n.start();
    n.start();
    const m = await client;
    expect(m.headers["x-early"]).toBe("yes");
    n.sink.write(bytes("data: late\n\n"));
    n.sink.close();
    expect(await text(m)).toBe("data: late\n\n");
  });

  it("makes the writer wait only when more than 64 KiB are unsent, with one shared wait, released on drain", async () => {
    // a stand-in response: how much is unsent is the test's to say (a real socket's kernel buffers are not)
    const res = Object.assign(new EventEmitter(), {
      headersSent: false,
      destroyed: false,
      writableEnded: false,
      writableLength: 0,
      writeHead() {
        res.headersSent = true;
      },
      write(chunk: Uint8Array) {
        res.writableLength += chunk.byteLength;
        return res.writableLength < 16 * 1024;
      },
      end() {
        res.writableEnded = true;
      },
    });
    const { sink } = createNodeSseResponse(res as unknown as ServerResponse, () => ({}), () => {});
    expect(sink.write(new Uint8Array(20 * 1024))).toBeUndefined(); // over Node's own mark, under ours: no wait
    const wait = sink.write(new Uint8Array(50 * 1024));
    expect(wait).toBeInstanceOf(Promise);
    expect(sink.write(bytes("keep-alive"))).toBe(wait); // a second writer shares the wait
    let released = false;
    void (wait as Promise<void>).then(() => (released = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(released).toBe(false);
    res.writableLength = 0;
    res.emit("drain");
    await wait;
    expect(released).toBe(true);
    expect(res.listenerCount("drain")).toBe(0);
    expect(sink.write(bytes("next"))).toBeUndefined();
    sink.close();
    expect(res.writableEnded).toBe(true);
  });

  it("reports a client that leaves before the first event, or mid-stream, once, and releases a waiting writer", async () => {
    const early = await exchange();
    const goneEarly = vi.fn();
    const a = createNodeSseResponse(early.res, () => ({}), goneEarly);
    early.abort();
    await new Promise((r) => early.res.once("close", r));
    expect(goneEarly).toHaveBeenCalledTimes(1);
    expect(a.sink.closed).toBe(true);
    expect(a.sink.write(bytes("late"))).toBeUndefined();
    a.sink.close();
    expect(goneEarly).toHaveBeenCalledTimes(1);
    server!.closeAllConnections();
    await new Promise((r) => server!.close(r));

    const mid = await exchange();
    const goneMid = vi.fn();
    const b = createNodeSseResponse(mid.res, () => ({}), goneMid);
    b.sink.write(bytes("data: 1\n\n"));
    (await mid.client).pause();
    const { wait } = await fillUntilBehind((c) => b.sink.write(c));
    mid.abort();
    await wait;
    expect(goneMid).toHaveBeenCalledTimes(1);
    expect(b.sink.closed).toBe(true);
  });
});
