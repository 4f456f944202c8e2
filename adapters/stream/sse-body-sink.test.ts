import { describe, expect, it } from "vitest";
import { createSseBody } from "./sse-body-sink.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const settled = async (p: Promise<void> | void) => {
  let done = false;
  void Promise.resolve(p).then(() => (done = true));
  await new Promise((r) => setTimeout(r, 5));
  return done;
};

describe("createSseBody", () => {
  it("every writer waiting on backpressure (pump and keep-alive) is released by the consumer's next pull", async () => {
    const { body, sink } = createSseBody(() => {});
    const pump = sink.write(bytes("a")); // the one-chunk queue is full: wait
    const keepAlive = sink.write(bytes("b")); // a second write while the first still waits
    expect(await settled(pump)).toBe(false);
    const reader = body.getReader();
    await reader.read();
    await reader.read(); // the queue is empty again: the consumer pulls
    expect(await settled(pump)).toBe(true);
    expect(await settled(keepAlive)).toBe(true);
  });

  it("cancel releases a waiting writer and reports the client gone once", async () => {
    let gone = 0;
    const { body, sink } = createSseBody(() => gone++);
    const waiting = sink.write(bytes("a"));
    await body.cancel();
    expect(await settled(waiting)).toBe(true);
    expect(gone).toBe(1);
    expect(sink.closed).toBe(true);
    expect(sink.write(bytes("c"))).toBeUndefined();
  });
});
