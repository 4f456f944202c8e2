/**
 * Buffers for the request bodies body-prefix-reuse.ts keeps, reused from one kept body to the
 * next instead of keeping each request's own. Why: a kept body lives until a later request of
 * its thread (or of another thread, by eviction) replaces it, long enough for V8 to move its
 * wrapper to the old generation, so once dropped its bytes wait for the next major GC. Under
 * load that is every request's body: measured +20–40 MiB RSS under 64 concurrent 250 KB first
 * turns (docs/performance.md, "RSS"). Copying a body into a buffer that outlives it costs a
 * memcpy (~20 µs per 250 KB) and frees the request's own bytes young.
 */
export interface KeptBytes {
  /** The body's bytes (a view of `block`). */
  readonly bytes: Buffer;
  /** The whole buffer, handed back by release. */
  readonly block: Buffer;
}

/** Room left in a new block so that the thread's next, longer body fits it. */
const GROWTH = 1.25;
const ALIGN = 16 * 1024;

export class ReusableBodyBuffers {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;
  private readonly maxFreeBytes: number;

  /** `maxFreeBytes`: blocks kept unused beyond this are left to the GC (the smallest first). */
  constructor(maxFreeBytes: number) {
    this.maxFreeBytes = maxFreeBytes;
  }

  /** A copy of `src` in a block nobody else holds. */
  copy(src: Buffer): KeptBytes {
    let at = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i].length;
      if (len >= src.length && (at < 0 || len < this.free[at].length)) at = i;
    }
    let block: Buffer;
    if (at >= 0) {
      block = this.free[at];
      this.free.splice(at, 1);
      this.freeBytes -= block.length;
    } else block = Buffer.allocUnsafeSlow(Math.ceil((src.length * GROWTH) / ALIGN) * ALIGN);
    src.copy(block);
    return { bytes: block.subarray(0, src.length), block };
  }

  /** Hands a block back once nothing reads its bytes any more. */
  release(kept: KeptBytes): void {
    this.free.push(kept.block);
    this.freeBytes += kept.block.length;
    if (this.freeBytes <= this.maxFreeBytes) return;
    this.free.sort((a, b) => b.length - a.length);
    while (this.freeBytes > this.maxFreeBytes) this.freeBytes -= this.free.pop()!.length;
  }

  /** Bytes held in unused blocks (for tests). */
  get idleBytes(): number {
    return this.freeBytes;
  }
}
