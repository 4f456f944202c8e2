import type { ServerResponse } from "node:http";
import { DrainWait, type ByteSink } from "../adapters/stream/sse-body-sink.ts";

/** Bytes buffered for a slow client before the pump waits (a few SSE events; the kernel buffers more). */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * A body srvx hands to `pipe()`: the answer is already being written to the Node response by
 * `createNodeSseResponse`, so srvx's head (already sent) and pipe have nothing left to do.
 */
export const WRITTEN_TO_NODE_RESPONSE = Object.freeze({ pipe() {} });

/** The SSE sink that writes straight into the Node response. */
export interface NodeSseResponse {
  sink: ByteSink;
  /** Writes the head now if no event has yet (a relay writer's first bytes wait for the upstream's). */
  start(): void;
}

/**
 * The SSE answer written straight to Node's `ServerResponse`: the first event writes the head
 * (status 200 and `headers()`, read at that moment so the overhead header is exact) in the same
 * turn as the upstream's headers arrived, and every later write is one `res.write`: no Readable,
 * no pipe, no web stream, nothing for h3/srvx to do per chunk (docs/performance.md).
 *
 * Same contract as `createSseBody`: `write` returns a promise only when the client is behind
 * (more than 64 KiB unsent), every concurrent writer shares that one wait, and a client that goes
 * away — at any time, also before the first event — calls `onClientGone` once. (No `writeText`:
 * handing Node the string measured slower than the pump's one TextEncoder pass per chunk.)
 */
export function createNodeSseResponse(res: ServerResponse, headers: () => Record<string, string>, onClientGone: () => void): NodeSseResponse {
  const drain = new DrainWait();
  const release = () => drain.release();
  let closed = false;
  let started = false;
  let waitingForDrain = false;
  const onDrain = () => {
    waitingForDrain = false;
    release();
  };
  res.once("close", () => {
    if (closed || res.writableEnded) return;
    closed = true;
    release();
    onClientGone();
  });
  const start = () => {
    if (started) return;
    started = true;
    if (!res.headersSent && !res.destroyed) res.writeHead(200, headers());
  };
  const behind = (flushed: boolean): Promise<void> | undefined => {
    if (flushed || res.writableLength < HIGH_WATER_MARK) return;
    if (!waitingForDrain) {
      waitingForDrain = true;
      res.once("drain", onDrain);
    }
    return drain.wait();
  };
  const sink: ByteSink = {
    get closed() {
      return closed || res.destroyed;
    },
    write(chunk) {
      if (closed || res.destroyed) return;
      start();
      return behind(res.write(chunk));
    },
    close() {
      if (closed) return;
      closed = true;
      release();
      if (res.destroyed) return;
      start();
      res.end();
    },
  };
  return {
    sink,
    start() {
      if (started || closed) return;
      start();
      res.flushHeaders();
    },
  };
}
