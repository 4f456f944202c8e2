/** Where translated SSE bytes go. `write` returns a promise only when the reader is behind. */
export interface ByteSink {
  write(chunk: Uint8Array): void | Promise<void>;
  /** Optional: takes the writer's SSE text as it is (a WebSocket frame sink), sparing an encode + decode. */
  writeText?(text: string): void | Promise<void>;
  close(): void;
  readonly closed: boolean;
}

/**
 * The writers' wait for a slow client. One shared wait: a keep-alive write while the pump already
 * waits must not orphan its promise; `release` (the client read, or went away) frees both.
 */
export class DrainWait {
  private waiting: Promise<void> | null = null;
  private drain: (() => void) | null = null;

  wait(): Promise<void> {
    return (this.waiting ??= new Promise<void>((r) => (this.drain = r)));
  }

  release(): void {
    const d = this.drain;
    this.drain = null;
    this.waiting = null;
    d?.();
  }
}

/**
 * A ReadableStream body for the HTTP response plus the sink the pump writes into. Backpressure:
 * once a chunk is queued and unread, `write` waits for the consumer's next pull. Cancellation (the
 * client went away) releases any waiting writer and calls `onCancel` once.
 */
export function createSseBody(onCancel: () => void): { body: ReadableStream<Uint8Array>; sink: ByteSink } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const drain = new DrainWait();
  const release = () => drain.release();
  let closed = false;
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        release();
      },
      cancel() {
        if (closed) return;
        closed = true;
        release();
        onCancel();
      },
    },
    { highWaterMark: 1 },
  );
  const sink: ByteSink = {
    get closed() {
      return closed;
    },
    write(chunk) {
      if (closed) return;
      controller.enqueue(chunk);
      if ((controller.desiredSize ?? 1) <= 0) return drain.wait();
    },
    close() {
      if (closed) return;
      closed = true;
      release();
      try {
        controller.close();
      } catch {
        // already cancelled
      }
    },
  };
  return { body, sink };
}

/**
 * A sink that discards bytes (non-streaming clients read the final response object instead). It
 * takes text, so the pump does not encode each chunk only to drop it.
 */
export const discardSink: ByteSink = { closed: false, write() {}, writeText() {}, close() {} };
