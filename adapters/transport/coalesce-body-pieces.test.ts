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
        // a chunk short of the target is the last, an original piece, or the run ended by a piece
        // large enough to go on its own (which follows it)
        out.forEach((c, i) => {
          const next = out[i + 1];
          expect(c.length >= target || i === out.length - 1 || pieces.includes(c) || (next.length >= target && pieces.includes(next))).toBe(true);
        });
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
