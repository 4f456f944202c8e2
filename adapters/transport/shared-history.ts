/**
 * History arrays (a request's `input` or `messages`) whose items are, at least in part, the very
 * objects of an earlier request's (server/body-prefix-reuse.ts reuses the parsed items of a
 * thread's previous body). Only for those does keeping per-item work (encoded bytes, rewritten
 * copies) pay: for items parsed afresh it is bookkeeping nobody uses again.
 */
const shared = new WeakSet<readonly unknown[]>();

export function markSharedHistory(items: readonly unknown[]): void {
  shared.add(items);
}

export function isSharedHistory(items: unknown): boolean {
  return Array.isArray(items) && shared.has(items);
}

/** `derived` (a filtered or rewritten copy of `from`), marked shared when `from` is. */
export function inheritSharedHistory<T>(from: unknown, derived: T): T {
  if (Array.isArray(derived) && isSharedHistory(from)) shared.add(derived);
  return derived;
}
