import type { ConversationCache } from "./conversation-cache.ts";
import type { PreviousResponse } from "./response-store.ts";
import type { LazyResponseStore } from "./lazy-response-store.ts";

/**
 * The one lookup behind `previous_response_id`: the in-memory conversation cache first (every
 * recent response, stored or not), then the SQLite store (responses with `store: true`, which
 * survive restarts and cache eviction).
 */
export class ResponseLookup {
  private readonly memory: ConversationCache;
  private readonly disk: LazyResponseStore;

  constructor(memory: ConversationCache, disk: LazyResponseStore) {
    this.memory = memory;
    this.disk = disk;
  }

  get(id: string): PreviousResponse | undefined {
    const hit = this.memory.get(id);
    if (hit) return hit;
    const row = this.disk.forRead()?.get(id);
    return row ? { input: row.input, output: row.response.output } : undefined;
  }
}
