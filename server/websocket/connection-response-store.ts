import type { InputItem } from "../../adapters/responses/responses-types.ts";

/** What a finished response leaves for a continuation: the whole conversation up to its end. */
export interface StoredConversation {
  /** Input items of every earlier turn, then this response's output items, in order. */
  items: InputItem[];
  /** Route-specific state a continuation can reuse (e.g. the translated upstream conversation). */
  upstream?: unknown;
}

/** How many responses one connection remembers; a client continues from the latest one. */
export const CONNECTION_STORE_LIMIT = 8;

/**
 * The `store: false` responses of one WebSocket connection (Open Responses: connection-local
 * state). Never written to disk, gone with the connection; oldest dropped first beyond the limit.
 * Entries share their item objects, so a turn costs one array of references, not a copy of the
 * history.
 */
export class ConnectionResponseStore {
  private readonly map = new Map<string, StoredConversation>();
  private readonly limit: number;
  constructor(limit = CONNECTION_STORE_LIMIT) {
    this.limit = limit;
  }

  get(id: string): StoredConversation | undefined {
    return this.map.get(id);
  }

  set(id: string, c: StoredConversation): void {
    this.map.delete(id);
    this.map.set(id, c);
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value as string);
  }

  evict(id: string): void {
    this.map.delete(id);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
