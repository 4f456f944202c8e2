import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createFrameSink, encodeTextFrames, type FrameChannel } from "./websocket-frame-sink.ts";

function channel(): FrameChannel & { frames: string[]; bufferedAmount: number } {
  const frames: string[] = [];
  return { frames, bufferedAmount: 0, send: (t) => void frames.push(t) };
}

describe("createFrameSink", () => {
  it("sends one frame per SSE event, its data only, whatever way the text is split across writes", () => {
    const ch = channel();
    const sink = createFrameSink(ch);
    sink.writeText!('event: response.created\ndata: {"type":"response.created"}\n\n: keep-alive comment\n\nevent: a\ndata: {"type":');
    expect(ch.frames).toEqual(['{"type":"response.created"}']);
    sink.write(new TextEncoder().encode('"a"}\n\ndata: line1\ndata:line2\n\n'));
    expect(ch.frames).toEqual(['{"type":"response.created"}', '{"type":"a"}', "line1\nline2"]);
  });

  it("makes writers wait on one shared promise above the high-water mark, released by a drain below it or a disconnect", async () => {
    const ch = channel();
    const sink = createFrameSink(ch, 10);
    ch.bufferedAmount = 11;
    const first = sink.writeText!("data: x\n\n");
    expect(first).toBeInstanceOf(Promise);
    expect(sink.writeText!("data: y\n\n")).toBe(first);
    let released = false;
    void (first as Promise<void>).then(() => (released = true));
    sink.drained(); // still above the mark: keeps waiting
    await Promise.resolve();
    expect(released).toBe(false);
    ch.bufferedAmount = 0;
    sink.drained();
    await first;
    expect(released).toBe(true);

    ch.bufferedAmount = 11;
    const again = sink.writeText!("data: z\n\n");
    expect(again).not.toBe(first);
    sink.disconnect();
    await again;
    expect(sink.closed).toBe(true);
    expect(sink.writeText!("data: late\n\n")).toBeUndefined();
    expect(ch.frames).toEqual(["x", "y", "z"]);
  });

  it("hands a channel that takes frames all events of one write as one buffer of encoded frames", () => {
    const writes: Uint8Array[] = [];
    const sent: string[] = [];
    const ch: FrameChannel = { bufferedAmount: 0, send: (t) => void sent.push(t), writeFrames: (b) => void writes.push(b) };
    const sink = createFrameSink(ch);
    sink.writeText!("data: a\n\n: comment\n\ndata: b\n\n");
    sink.writeText!(": only a comment\n\n"); // no frames: no write
    sink.writeText!("data: c"); // an event not finished yet
    expect(sent).toEqual([]);
    expect(writes).toHaveLength(1);
    expect(decodeFrames(writes[0])).toEqual(["a", "b"]);
    sink.writeText!("\n\n");
    expect(writes).toHaveLength(2);
    expect(decodeFrames(writes[1])).toEqual(["c"]);
  });
});

/** Unmasked text frames back to their texts, checking every header bit (FIN, RSV, opcode, mask). */
function decodeFrames(b: Uint8Array): string[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: string[] = [];
  let at = 0;
  while (at < buf.length) {
    expect(buf[at]).toBe(0x81);
    let n = buf[at + 1];
    expect(n & 0x80).toBe(0); // no mask from a server
    at += 2;
    if (n === 126) {
      n = buf.readUInt16BE(at);
      expect(n).toBeGreaterThanOrEqual(126);
      at += 2;
    } else if (n === 127) {
      n = buf.readUInt32BE(at) * 2 ** 32 + buf.readUInt32BE(at + 4);
      expect(n).toBeGreaterThanOrEqual(65536);
      at += 8;
    }
    out.push(buf.subarray(at, at + n).toString("utf8"));
    at += n;
  }
  expect(at).toBe(buf.length);
  return out;
}

describe("encodeTextFrames", () => {
  it("writes each text as one frame with the shortest length form, its payload exactly Buffer.from(text)", () => {
    const texts = ["", "x".repeat(125), "y".repeat(126), "z".repeat(65535), "w".repeat(65536), "grüße 日本 🎉", "lone \ud800 surrogate"];
    const frames = encodeTextFrames(texts);
    expect(decodeFrames(frames)).toEqual(texts.map((t) => Buffer.from(t).toString("utf8")));
    const sizes = texts.map((t) => Buffer.byteLength(t));
    expect(frames.length).toBe(sizes.reduce((a, n) => a + n + (n < 126 ? 2 : n < 65536 ? 4 : 10), 0));
    // the surrogate is written as U+FFFD, like ws's Buffer.from
    expect(frames.includes(Buffer.from("lone \ufffd surrogate"))).toBe(true);
  });

  it("property: any texts decode back to their UTF-8", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: "binary" }), fc.string({ minLength: 120, maxLength: 140 })), { maxLength: 8 }), (texts) => {
        expect(decodeFrames(encodeTextFrames(texts))).toEqual(texts.map((t) => Buffer.from(t).toString("utf8")));
      }),
      { numRuns: 200 },
    );
  });
});
