import { describe, expect, it, vi } from "vitest";
import { EventEmitter } from "node:events";
import { createServer, request, type ServerResponse } from "node:http";
import { Writable } from "node:stream";
import { createNodeSseBody } from "./node-sse-body.ts";

/** The response's `close` (client gone or response finished) is all the body listens to on `res`. */
const fakeRes = () => new EventEmitter() as unknown as ServerResponse;

/** A destination that records each write; `hold` keeps its callbacks back (a client that does not read). */
function recorder(hold = false) {
  const writes: string[] = [];
  const held: (() => void)[] = [];
  let ended = false;
  const dest = new Writable({
    highWaterMark: 16,
    decodeStrings: false,
    write(c, _e, cb) {
      writes.push(String(c));
      if (hold) held.push(cb);
      else cb();
    },
    final(cb) {
      ended = true;
      cb();
    },
  });
  return { dest, writes, held, ended: () => ended };
}

describe("createNodeSseBody", () => {
  it("holds writes until the response is attached, writes them as one, then writes through and ends on close", async () => {
    const onCancel = vi.fn();
    const { body, sink } = createNodeSseBody(fakeRes(), onCancel);
    sink.writeText!("event: a\n\n");
    sink.writeText!("event: b\n\n");
    sink.writeText!(""); // never an empty write
    const r = recorder();
    expect(body.pipe(r.dest)).toBe(r.dest);
    expect(r.writes).toEqual(["event: a\n\nevent: b\n\n"]);
    sink.writeText!("event: c\n\n");
    sink.write(new TextEncoder().encode("event: d ü\n\n"));
    sink.close();
    await new Promise((res) => r.dest.once("finish", res));
    expect(r.writes).toEqual(["event: a\n\nevent: b\n\n", "event: c\n\n", "event: d ü\n\n"]);
    expect(r.ended()).toBe(true);
    expect(sink.closed).toBe(true);
    expect(onCancel).not.toHaveBeenCalled();
  });

  it("a stream that finished before the response was attached is written and ended at once", async () => {
    const { body, sink } = createNodeSseBody(fakeRes(), () => {});
    sink.writeText!("event: all\n\n");
    sink.close();
    const r = recorder();
    body.pipe(r.dest);
    await new Promise((res) => r.dest.once("finish", res));
    expect(r.writes).toEqual(["event: all\n\n"]);
  });

  it("makes the writer wait while the client is behind, with one shared wait, released on drain", async () => {
    const { body, sink } = createNodeSseBody(fakeRes(), () => {});
    const r = recorder(true);
    body.pipe(r.dest);
    const first = sink.writeText!("x".repeat(100));
    expect(first).toBeInstanceOf(Promise);
    expect(sink.writeText!("keep-alive")).toBe(first); // a second writer shares the wait
    let released = false;
    void (first as Promise<void>).then(() => (released = true));
    await new Promise((res) => setTimeout(res, 10));
    expect(released).toBe(false);
    for (const cb of r.held.splice(0)) cb(); // the client reads
    await new Promise((res) => setImmediate(res));
    for (const cb of r.held.splice(0)) cb();
    await first;
    expect(released).toBe(true);
  });

  it("makes the writer wait when too much is held before the response is attached", async () => {
    const { body, sink } = createNodeSseBody(fakeRes(), () => {});
    const wait = sink.writeText!("x".repeat(70 * 1024));
    expect(wait).toBeInstanceOf(Promise);
    body.pipe(recorder().dest);
    await wait;
  });

  it("reports a vanished client once, releases a waiting writer and ignores later writes", async () => {
    const onCancel = vi.fn();
    const res = fakeRes();
    const { body, sink } = createNodeSseBody(res, onCancel);
    const r = recorder(true);
    body.pipe(r.dest);
    const wait = sink.writeText!("x".repeat(100));
    res.emit("close");
    await wait;
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(sink.closed).toBe(true);
    expect(sink.writeText!("late")).toBeUndefined();
    sink.close();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it("reports a cancel when srvx destroys the body before attaching it, and none after a normal close", () => {
    const onCancel = vi.fn();
    createNodeSseBody(fakeRes(), onCancel).body.destroy();
    expect(onCancel).toHaveBeenCalledTimes(1);
    const res = fakeRes();
    const other = vi.fn();
    const { body, sink } = createNodeSseBody(res, other);
    body.pipe(recorder().dest);
    sink.close();
    res.emit("close");
    expect(other).not.toHaveBeenCalled();
  });

  it("puts the last events and the end of a chunked response into one socket write", async () => {
    let writes = 0;
    const server = createServer((_req, res) => {
      const sock = res.socket!;
      const wv = sock._writev!.bind(sock);
      const w = sock._write.bind(sock);
      sock._writev = (chunks, cb) => (writes++, wv(chunks, cb));
      sock._write = (c, e, cb) => (writes++, w(c, e, cb));
      const { body, sink } = createNodeSseBody(res, () => {});
      res.writeHead(200, { "content-type": "text/event-stream" });
      body.pipe(res);
      setImmediate(() => {
        sink.writeText!("event: last\n\n");
        sink.close();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const text = await new Promise<string>((resolve, reject) => {
      request({ port, host: "127.0.0.1", path: "/" }, (res) => {
        let s = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (s += d));
        res.on("end", () => resolve(s));
      })
        .on("error", reject)
        .end();
    });
    server.close();
    expect(text).toBe("event: last\n\n");
    expect(writes).toBe(1);
  });
});
