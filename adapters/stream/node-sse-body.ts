import type { ServerResponse } from "node:http";
import type { Writable } from "node:stream";
import { DrainWait, type ByteSink } from "./sse-body-sink.ts";

/** Text held for the response before srvx attaches it, before the pump waits (a few SSE events). */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * What srvx gets as the response body: an object with `pipe` and `destroy` but no `on`, which its
 * Node adapter answers with `writeHead` + `body.pipe(res)` (no stream in between). `destroy` is
 * its call when the response is gone before the body was attached (a closed socket, HEAD).
 */
export interface NodeSseBody {
  pipe<T extends Writable>(dest: T): T;
  destroy(): void;
}

/**
 * The SSE body for the Node server: the pump's text goes straight into the `ServerResponse`, one
 * `res.write(string)` per upstream chunk, so Node encodes it into the socket write itself (no
 * TextEncoder Buffer, no Readable hop). Writes before srvx attaches the response (the handler has
 * not returned yet) are held as one string and written with the head. The end of the stream is
 * `res.end()` in the same tick as the last write: Node's cork puts both in one socket write.
 * Same contract as `createSseBody`: `write` returns a promise only when the client is behind,
 * every concurrent writer shares that one wait, and a client that goes away calls `onCancel` once.
 */
export function createNodeSseBody(res: ServerResponse, onCancel: () => void): { body: NodeSseBody; sink: ByteSink } {
  const drain = new DrainWait();
  const release = () => drain.release();
  let dest: Writable | null = null;
  let pending = "";
  let closed = false;
  let ended = false;

  const gone = () => {
    if (closed) return;
    closed = true;
    pending = "";
    release();
    onCancel();
  };
  res.once("close", () => {
    if (!ended) gone();
  });

  const put = (text: string): void | Promise<void> => {
    if (closed || !text) return;
    if (!dest) {
      pending += text;
      if (pending.length > HIGH_WATER_MARK) return drain.wait();
      return;
    }
    if (!dest.write(text)) return drain.wait();
  };

  const body: NodeSseBody = {
    pipe(d) {
      if (dest) return d;
      dest = d;
      d.on("drain", release);
      if (pending) {
        const text = pending;
        pending = "";
        d.write(text);
      }
      release();
      if (ended) d.end();
      return d;
    },
    destroy: gone,
  };

  const sink: ByteSink = {
    get closed() {
      return closed;
    },
    write: (chunk) => put(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8")),
    writeText: put,
    close() {
      if (closed) return;
      closed = true;
      ended = true;
      release();
      dest?.end();
    },
  };
  return { body, sink };
}
