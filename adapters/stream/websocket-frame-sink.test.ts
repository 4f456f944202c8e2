import { describe, expect, it } from "vitest";
import { createFrameSink, type FrameChannel } from "./websocket-frame-sink.ts";

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
});
