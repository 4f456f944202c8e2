import { describe, expect, it } from "vitest";
import { readJsonBody, requestBodyBytes } from "./read-json-body.ts";
import { exceedsDepth } from "./json-depth.ts";

const reqOf = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/v1/responses", { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

describe("readJsonBody", () => {
  it("parses a JSON object", async () => {
    expect(await readJsonBody(reqOf('{"a":1}'), 1000)).toEqual({ a: 1 });
  });
  it("remembers the byte length each parsed body came from (UTF-8 bytes, not characters)", async () => {
    const text = '{"t":"héllo — 行"}';
    const v = await readJsonBody(reqOf(text), 1000);
    expect(requestBodyBytes(v)).toBe(Buffer.byteLength(text));
    expect(requestBodyBytes({ t: "héllo — 行" })).toBeUndefined();
  });
  it("413 above the limit, by declared length and by counted bytes", async () => {
    await expect(readJsonBody(reqOf("x".repeat(2000)), 1000)).rejects.toMatchObject({ status: 413, code: "request_too_large" });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(400).fill(32));
        c.close();
      },
    });
    const r = new Request("http://127.0.0.1/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    await expect(readJsonBody(r, 1000)).rejects.toMatchObject({ status: 413 });
  });
  it("400 for invalid UTF-8, non-JSON, non-objects and over-deep nesting", async () => {
    await expect(readJsonBody(reqOf(new Uint8Array([0x7b, 0xff, 0x7d])), 1000)).rejects.toMatchObject({ status: 400, message: /UTF-8/ });
    await expect(readJsonBody(reqOf("{nope"), 1000)).rejects.toMatchObject({ status: 400, message: /not valid JSON/ });
    await expect(readJsonBody(reqOf("[1]"), 1000)).rejects.toMatchObject({ status: 400, message: /JSON object/ });
    await expect(readJsonBody(reqOf(`{"a":${"[".repeat(300)}${"]".repeat(300)}}`), 10_000)).rejects.toMatchObject({ status: 400, message: /nested deeper/ });
  });
  it("a body stream that errors (client hung up) → 400, not a crash", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([0x7b]));
        c.error(new Error("aborted"));
      },
    });
    const r = new Request("http://127.0.0.1/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    await expect(readJsonBody(r, 1000)).rejects.toMatchObject({ status: 400, code: "incomplete_body" });
  });
});

describe("exceedsDepth", () => {
  it("counts objects and arrays, not scalars", () => {
    expect(exceedsDepth({ a: [{ b: "x" }] }, 3)).toBe(false);
    expect(exceedsDepth({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(exceedsDepth({ a: "x".repeat(10) }, 1)).toBe(false);
  });
});
