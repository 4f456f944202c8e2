/** A remembered routing decision. */
export interface CachedDecision {
  slug: string;
  reason: string;
  /** Where to spill, in order (the chosen slug first). */
  ranking: string[];
  hasImages: boolean;
}

interface Entry {
  value: CachedDecision;
  expires: number;
}

/**
 * Bounded, expiring map of decisions (by DecisionKey) and of each thread's latest model. The
 * expiry slides on every hit, so a long turn keeps its model; the oldest entry goes first when
 * full (the original flushed everything at 256 entries).
 */
export class DecisionCache {
  private readonly decisions = new Map<string, Entry>();
  private readonly lastByThread = new Map<string, string>();
  private readonly limit: number;
  private readonly ttlMs: number;
  private readonly now: () => number;
  constructor(opts: { limit?: number; ttlMs?: number; now?: () => number } = {}) {
    this.limit = opts.limit ?? 4096;
    this.ttlMs = opts.ttlMs ?? 60 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.decisions.size;
  }

  get(key: string): CachedDecision | undefined {
    const e = this.decisions.get(key);
    if (!e) return undefined;
    const t = this.now();
    if (e.expires <= t) {
      this.decisions.delete(key);
      return undefined;
    }
    this.decisions.delete(key);
    e.expires = t + this.ttlMs;
    this.decisions.set(key, e);
    return e.value;
  }

  set(key: string, value: CachedDecision, thread: string | null): void {
    this.decisions.delete(key);
    this.decisions.set(key, { value, expires: this.now() + this.ttlMs });
    if (this.decisions.size > this.limit) this.decisions.delete(this.decisions.keys().next().value as string);
    if (thread) this.rememberThread(thread, value.slug);
  }

  /** The model the thread used last (its prompt cache is warm): wins ties. */
  previous(thread: string | null): string | undefined {
    return thread ? this.lastByThread.get(thread) : undefined;
  }

  rememberThread(thread: string, slug: string): void {
    this.lastByThread.delete(thread);
    this.lastByThread.set(thread, slug);
    if (this.lastByThread.size > this.limit) this.lastByThread.delete(this.lastByThread.keys().next().value as string);
  }

  clear(): void {
    this.decisions.clear();
    this.lastByThread.clear();
  }
}
