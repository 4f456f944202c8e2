import { DrainWait, type ByteSink } from "./sse-body-sink.ts";

/** The part of a WebSocket peer a frame sink needs (crossws `Peer` in the server, a fake in tests). */
export interface FrameChannel {
  send(text: string): void;
  /** Bytes queued on the socket and not yet written. */
  readonly bufferedAmount: number;
  close?(code?: number, reason?: string): void;
  /**
   * Writes complete, unmasked text frames (`encodeTextFrames`) to the socket as they are: the
   * events of one upstream chunk leave in one socket write, without the WebSocket library's work
   * per message. Without it every event is one `send`.
   */
  writeFrames?(frames: Uint8Array): void;
}

/**
 * Server-to-client WebSocket text frames (RFC 6455 §5.2: FIN, opcode 1, no mask, no extension
 * bits), one per text, in one buffer. The payload is the text's UTF-8, as `Buffer.from` writes it.
 */
export function encodeTextFrames(texts: readonly string[]): Buffer {
  let total = 0;
  const lengths = new Array<number>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const n = Buffer.byteLength(texts[i]);
    lengths[i] = n;
    total += n + (n < 126 ? 2 : n < 65536 ? 4 : 10);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const n = lengths[i];
    out[at++] = 0x81;
    if (n < 126) out[at++] = n;
    else if (n < 65536) {
      out[at++] = 126;
      out.writeUInt16BE(n, at);
      at += 2;
    } else {
      out[at++] = 127;
      out.writeUInt32BE(Math.floor(n / 2 ** 32), at);
      out.writeUInt32BE(n >>> 0, at + 4);
      at += 8;
    }
    at += out.write(texts[i], at, n, "utf8");
  }
  return out;
}

/** Above this many queued bytes a write waits for the socket to drain (a slow client). */
export const FRAME_HIGH_WATER_MARK = 64 * 1024;

export interface FrameSink extends ByteSink {
  /** The socket drained (crossws `drain` hook); releases a waiting writer. */
  drained(): void;
  /** The socket is gone: later writes are dropped, a waiting writer is released. */
  disconnect(): void;
}

const decoder = new TextDecoder();

/**
 * A ByteSink that turns the writers' SSE text into WebSocket text frames: one frame per event,
 * its `data:` payload only (the `event:` lines and comments are SSE framing, not events). Writers
 * emit whole events, so splitting is an indexOf scan, no JSON parsing. The frames of one write go
 * out as one socket write when the channel takes encoded frames. Backpressure: when the
 * socket holds more than the high-water mark, `write` waits for the next drain.
 */
export function createFrameSink(channel: FrameChannel, highWaterMark = FRAME_HIGH_WATER_MARK): FrameSink {
  let rest = "";
  let connected = true;
  const drain = new DrainWait();
  const wake = () => drain.release();
  const writeText = (text: string): void | Promise<void> => {
    if (!connected) return;
    const s = rest ? rest + text : text;
    let start = 0;
    const batch: string[] | null = channel.writeFrames ? [] : null;
    for (;;) {
      const end = s.indexOf("\n\n", start);
      if (end < 0) break;
      const data = dataOfEvent(s, start, end);
      start = end + 2;
      if (data === null) continue;
      if (batch) batch.push(data);
      else channel.send(data);
    }
    if (batch?.length) channel.writeFrames!(encodeTextFrames(batch));
    rest = start < s.length ? s.slice(start) : "";
    if (channel.bufferedAmount > highWaterMark) return drain.wait();
  };
  return {
    get closed() {
      return !connected;
    },
    write: (chunk) => writeText(decoder.decode(chunk)),
    writeText,
    // A response ends; the connection (and this channel) stays open for the next one.
    close() {
      rest = "";
      wake();
    },
    drained() {
      if (channel.bufferedAmount <= highWaterMark) wake();
    },
    disconnect() {
      connected = false;
      wake();
    },
  };
}

/** The joined `data:` lines of one SSE event in s[start, end), or null for a comment-only block. */
function dataOfEvent(s: string, start: number, end: number): string | null {
  let data: string | null = null;
  let i = start;
  while (i < end) {
    let nl = s.indexOf("\n", i);
    if (nl < 0 || nl > end) nl = end;
    if (s.startsWith("data:", i)) {
      const from = s.charCodeAt(i + 5) === 32 ? i + 6 : i + 5;
      const line = s.slice(from, nl);
      data = data === null ? line : `${data}\n${line}`;
    }
    i = nl + 1;
  }
  return data;
}
