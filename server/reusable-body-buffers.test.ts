import { describe, expect, it } from "vitest";
import { ReusableBodyBuffers } from "./reusable-body-buffers.ts";

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe("ReusableBodyBuffers", () => {
  it("copies the bytes into a block of its own, with room for a longer next body", () => {
    const pool = new ReusableBodyBuffers(1 << 20);
    const src = bytes(100_000, 7);
    const kept = pool.copy(src);
    expect(kept.bytes.equals(src)).toBe(true);
    expect(kept.bytes.buffer).not.toBe(src.buffer);
    expect(kept.block.length).toBeGreaterThanOrEqual(125_000);
    src.fill(1);
    expect(kept.bytes[0]).toBe(7);
  });

  it("hands a released block to the next body that fits it, the smallest that fits first", () => {
    const pool = new ReusableBodyBuffers(1 << 20);
    const big = pool.copy(bytes(200_000, 1));
    const small = pool.copy(bytes(50_000, 2));
    pool.release(big);
    pool.release(small);
    const next = pool.copy(bytes(40_000, 3));
    expect(next.block).toBe(small.block);
    expect(next.bytes.length).toBe(40_000);
    expect(next.bytes.every((b) => b === 3)).toBe(true);
    const larger = pool.copy(bytes(150_000, 4));
    expect(larger.block).toBe(big.block);
    // nothing left that fits: a new block
    const fresh = pool.copy(bytes(150_000, 5));
    expect(fresh.block).not.toBe(big.block);
    expect(pool.idleBytes).toBe(0);
  });

  it("keeps at most maxFreeBytes of unused blocks, dropping the smallest", () => {
    const pool = new ReusableBodyBuffers(300_000);
    const a = pool.copy(bytes(200_000, 1));
    const b = pool.copy(bytes(100_000, 1));
    const c = pool.copy(bytes(20_000, 1));
    pool.release(a);
    pool.release(b);
    pool.release(c);
    expect(pool.idleBytes).toBeLessThanOrEqual(300_000);
    expect(pool.copy(bytes(190_000, 9)).block).toBe(a.block);
  });
});
