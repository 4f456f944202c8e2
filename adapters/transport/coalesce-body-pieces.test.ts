import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { coalesceBodyPieces } from "./coalesce-body-pieces.ts";

describe("coalesceBodyPieces", () => {
  it("keeps the bytes and their order, in chunks of about the target size", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 60 }), fc.integer({ min: 1, max: 1000 }), (arrays, target) => {
        const pieces = arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength) as Buffer);
        const out = coalesceBodyPieces(pieces, target);
        expect(Buffer.concat(out).equals(Buffer.concat(pieces))).toBe(true);
        // every chunk but the last reaches the target, or is one piece that was large on its own
        for (const c of out.slice(0, -1)) expect(c.length >= target || pieces.includes(c)).toBe(true);
      }),
    );
  });

  it("passes a large piece on without copying it", () => {
    const big = Buffer.alloc(70_000, 1);
    const out = coalesceBodyPieces([Buffer.from("a"), big, Buffer.from("b")]);
    expect(out).toHaveLength(3);
    expect(out[1]).toBe(big);
  });

  it("joins a 30 KB body of small pieces into one write", () => {
    const pieces = Array.from({ length: 40 }, (_, i) => Buffer.from(`{"role":"user","content":"${"x".repeat(700)}${i}"},`));
    expect(coalesceBodyPieces(pieces)).toHaveLength(1);
  });
});
