import type { Readable } from "node:stream";
import { nodeBodyOf } from "../transport/upstream-response.ts";

/** The pump's view of an upstream body, whatever it is underneath. */
export interface BodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  /** Stop reading and drop the connection (the answer is broken or unwanted). */
  cancel(): void;
  /** The answer is complete: read what is left (a `[DONE]`, EOF) in the background so the connection can be reused; give up and cancel if it drags on. */
  drain(): void;
  release(): void;
}

const DRAIN_MS = 2000;
const DRAIN_BYTES = 256 * 1024;

/** A Node stream (undici request body) is read directly; anything else through its web reader. */
export function openBodyReader(body: ReadableStream<Uint8Array>): BodyReader {
  const node = nodeBodyOf(body);
  return node ? nodeReader(node) : webReader(body);
}

function nodeReader(node: Readable): BodyReader {
  const it = node[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return {
    read: () => it.next() as Promise<{ done: boolean; value?: Uint8Array }>,
    cancel: () => node.destroy(),
    drain() {
      if (node.readableEnded || node.destroyed) return;
      let bytes = 0;
      const timer = setTimeout(() => node.destroy(), DRAIN_MS);
      timer.unref();
      node.on("data", (c: Uint8Array) => {
        bytes += c.byteLength;
        if (bytes > DRAIN_BYTES) node.destroy();
      });
      node.once("close", () => clearTimeout(timer));
      node.on("error", () => {});
      node.resume();
    },
    release() {},
  };
}

function webReader(body: ReadableStream<Uint8Array>): BodyReader {
  const reader = body.getReader();
  let released = false;
  return {
    read: () => reader.read(),
    cancel: () => void reader.cancel().catch(() => {}),
    drain() {
      const timer = setTimeout(() => void reader.cancel().catch(() => {}), DRAIN_MS);
      timer.unref();
      (async () => {
        let bytes = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.byteLength;
          if (bytes > DRAIN_BYTES) {
            await reader.cancel();
            break;
          }
        }
      })()
        .catch(() => {})
        .finally(() => clearTimeout(timer));
      released = true; // the background loop owns the reader now
    },
    release() {
      if (released) return;
      released = true;
      try {
        reader.releaseLock();
      } catch {
        // a read is still pending after cancel()
      }
    },
  };
}
