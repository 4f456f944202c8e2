import { Readable } from "node:stream";
import { DrainWait, type ByteSink } from "./sse-body-sink.ts";

/** Bytes buffered for a slow client before the pump waits (a few SSE events; the kernel buffers more). */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * The SSE body as a Node Readable, for the Node server: srvx pipes a Node stream body straight
 * into the `ServerResponse`, so each pump write is one `res.write` with no web-stream hop (the
 * ReadableStream body costs a reader promise and a controller per chunk; see docs/performance.md).
 * Same contract as `createSseBody`: `write` returns a promise only when the client is behind,
 * every concurrent writer shares that one wait, and a client that goes away calls `onCancel` once.
 */
export function createNodeSseBody(onCancel: () => void): { body: Readable; sink: ByteSink } {
  const drain = new DrainWait();
  const release = () => drain.release();
  let closed = false;
  const body = new Readable({
    highWaterMark: HIGH_WATER_MARK,
    read() {
      release();
    },
  });
  // destroyed before we ended it: the client went away (srvx destroys the body when the response closes)
  body.once("close", () => {
    if (closed) return;
    closed = true;
    release();
    onCancel();
  });
  body.on("error", () => {});
  const sink: ByteSink = {
    get closed() {
      return closed;
    },
    write(chunk) {
      if (closed) return;
      if (!body.push(chunk)) return drain.wait();
    },
    close() {
      if (closed) return;
      closed = true;
      release();
      body.push(null);
    },
  };
  return { body, sink };
}
