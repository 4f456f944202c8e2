import type { RequestTrace } from "./debug/request-trace.ts";
import { CaptureStore } from "./debug/capture-store.ts";

export type { RequestTrace } from "./debug/request-trace.ts";

/** Pushes are batched: every change within this window goes out together (the page shows them within 250 ms). */
const PUSH_BATCH_MS = 40;

/**
 * The last N request traces for the flow inspector (`/debug`), newest last, plus the opt-in
 * translation captures. Changes are pushed to subscribers (the `/debug/events` streams) in
 * batches; with no subscriber, `changed()` costs one Set check.
 */
export class RequestTraceStore {
  private readonly traces = new Map<string, RequestTrace>();
  private readonly limit: number;
  private readonly listeners = new Set<(changed: RequestTrace[]) => void>();
  private readonly dirty = new Set<RequestTrace>();
  private timer: NodeJS.Timeout | null = null;
  readonly captures: CaptureStore;

  constructor(opts: { limit?: number; captures?: CaptureStore } = {}) {
    this.limit = opts.limit ?? 500;
    this.captures = opts.captures ?? new CaptureStore();
  }

  add(trace: RequestTrace): RequestTrace {
    this.traces.set(trace.id, trace);
    if (this.traces.size > this.limit) {
      const oldest = this.traces.keys().next().value as string;
      this.traces.delete(oldest);
      this.captures.delete(oldest);
    }
    this.changed(trace);
    return trace;
  }

  get(id: string): RequestTrace | undefined {
    return this.traces.get(id);
  }

  /** Newest first. */
  list(): RequestTrace[] {
    return [...this.traces.values()].reverse();
  }

  get size(): number {
    return this.traces.size;
  }

  /** Marks a trace as changed; subscribers get it in the next batch. */
  changed(trace: RequestTrace): void {
    trace.rev++;
    if (this.listeners.size === 0) return;
    this.dirty.add(trace);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), PUSH_BATCH_MS);
      this.timer.unref();
    }
  }

  subscribe(fn: (changed: RequestTrace[]) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.dirty.clear();
    };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  private flush(): void {
    this.timer = null;
    const batch = [...this.dirty];
    this.dirty.clear();
    if (!batch.length) return;
    for (const fn of this.listeners) fn(batch);
  }
}
