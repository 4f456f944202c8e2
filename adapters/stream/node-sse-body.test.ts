import { describe, expect, it, vi } from "vitest";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createNodeSseBody } from "./node-sse-body.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("createNodeSseBody", () => {
  it("delivers every write in order and ends on close", async () => {
    const onCancel = vi.fn();
    const { body, sink } = createNodeSseBody(onCancel);
    const got: string[] = [];
    const done = pipeline(body, new Writable({ write(c, _e, cb) { got.push(c.toString()); cb(); } }));
    for (let i = 0; i < 5; i++) await sink.write(bytes(`data: ${i}\n\n`));
    sink.close();
    await done;
    expect(got.join("")).toBe([0, 1, 2, 3, 4].map((i) => `data: ${i}\n\n`).join(""));
    expect(onCancel).not.toHaveBeenCalled();
    expect(sink.closed).toBe(true);
  });

  it("makes the writer wait while the client is behind, with one shared wait, and releases it when the client reads", async () => {
    const { body, sink } = createNodeSseBody(() => {});
    const big = new Uint8Array(80 * 1024);
    const first = sink.write(big);
    expect(first).toBeInstanceOf(Promise);
    expect(sink.write(bytes("keep-alive"))).toBe(first); // a second writer shares the wait
    let released = false;
    void (first as Promise<void>).then(() => (released = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(released).toBe(false);
    body.resume(); // the client reads
    await first;
    expect(released).toBe(true);
    sink.close();
  });

  it("reports a vanished client once and releases a waiting writer", async () => {
    const onCancel = vi.fn();
    const { body, sink } = createNodeSseBody(onCancel);
    const wait = sink.write(new Uint8Array(80 * 1024));
    body.destroy();
    await wait;
    await new Promise((r) => setImmediate(r));
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(sink.closed).toBe(true);
    expect(sink.write(bytes("late"))).toBeUndefined();
    sink.close();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it("does not report a cancel after a normal close", async () => {
    const onCancel = vi.fn();
    const { body, sink } = createNodeSseBody(onCancel);
    body.resume();
    sink.write(bytes("x"));
    sink.close();
    await new Promise((r) => body.once("close", r));
    expect(onCancel).not.toHaveBeenCalled();
  });
});
