import type { InputItem, OutputItem, OutputCustomToolCallItem, OutputFunctionCallItem, OutputLocalShellCallItem } from "./responses-types.ts";

/**
 * The conversation cache: what each finished response handed Codex, kept in memory so that a
 * follow-up can build on it without Codex resending the whole history.
 *
 * API (small on purpose; the WebSocket and stored-responses endpoints build on it):
 *   remember(entry)            after a response completed (or ended incomplete); failed and
 *                              aborted responses are never remembered
 *   reserve(entry)             once the upstream answered: the entry without its output, held
 *                              (and counted against the bounds) but invisible until `commit`;
 *                              the request then lets go of its history (reserve-conversation-entry.ts)
 *   get(responseId)            one entry (marks it recently used), or undefined
 *   latestForThread(threadKey) the newest entry of a thread, or undefined
 *   evict(responseId)          drops one entry
 *
 * Everything is kept by reference, never copied: `input` is the array the upstream request was
 * built from, `output` the writer's items, `upstreamMessages` the translated upstream messages.
 * So an entry costs the cache a few object slots beyond what the request already held.
 *
 * Bounds (defaults below): at most `maxEntries` entries and about `maxBytes` of heap, least
 * recently used evicted first. The heap an entry holds is estimated, never measured: from the
 * request body's byte length when the input is that body's own (`sizeHint`: no walk over a big
 * history), else by walking it (approxBytes). Entries of one thread may share their history
 * items (previous_response_id), so the estimate is an upper bound of what is really held.
 */
export interface ConversationEntry {
  /** The id Codex saw (`response.id`). */
  responseId: string;
  /** The thread the response belongs to (see threadKeyOf), if the request named one. */
  threadKey: string | undefined;
  /** The slug Codex asked for (echoed back as the response model). */
  model: string;
  /** The whole input the upstream saw: with previous_response_id, the rebuilt history. */
  input: readonly InputItem[];
  /** The output items handed to Codex, in order. */
  output: readonly OutputItem[];
  /** The translated upstream messages (chat `messages`, Anthropic `messages`), when the route built any. */
  upstreamMessages: readonly unknown[] | undefined;
  /**
   * The byte length of the request body `input` was parsed from, when it is that body's own
   * input (not rebuilt from a previous response): the entry's size is then estimated from it.
   */
  sizeHint?: number;
}

export type CachedToolCall = OutputFunctionCallItem | OutputCustomToolCallItem | OutputLocalShellCallItem;

/** A remembered entry, with what the cache derived from it. */
export interface CachedConversation extends ConversationEntry {
  /** The tool calls of `output`, by call_id. */
  toolCalls: ReadonlyMap<string, CachedToolCall>;
  /** The heap estimate counted against maxBytes. */
  bytes: number;
}

/** A response's entry, held from the moment its upstream answered until it finishes. */
export interface ConversationReservation {
  /**
   * Makes the entry visible with its output, under `responseId` when given (a relay learns the
   * upstream's id only from its stream); undefined when it was evicted meanwhile (then nothing is
   * remembered).
   */
  commit(output: readonly OutputItem[], responseId?: string): CachedConversation | undefined;
  /** Drops it (a failed or aborted response). */
  cancel(): void;
}

export interface ConversationCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

/**
 * 32 responses or about 16 MiB of heap, whichever is reached first. What reads the cache back is
 * a thread's newest response (the next HTTP turn's reuse, previous_response_id); WebSocket
 * connections keep their own. 256 entries of small responses kept ~16 MiB live that every
 * major GC marked: 32 measured −4 % CPU per 30 KB request (six A/B pairs) and −11 MiB RSS after
 * a burst of 30 KB turns (docs/performance.md). With big bodies the bytes bound bites first.
 */
export const DEFAULT_CONVERSATION_CACHE_LIMITS: Readonly<ConversationCacheLimits> = { maxEntries: 32, maxBytes: 16 * 1024 * 1024 };

/**
 * Heap held per byte of request body: a parsed Codex input plus its translated upstream messages
 * (which share the big strings) measured 1.3× (30 KB body) to 2.5× (1 MB) the body's length;
 * and per approxBytes unit when the history is walked instead (measured ~1.4×).
 */
export const HEAP_PER_BODY_BYTE = 2.5;
const HEAP_PER_APPROX_BYTE = 1.5;

export class ConversationCache {
  /** Map order is recency order: the first key is the least recently used. */
  private readonly entries = new Map<string, CachedConversation>();
  private readonly threads = new Map<string, string>();
  /** Reserved entries not committed yet: held and counted, never handed out. */
  private readonly pending = new Set<string>();
  private totalBytes = 0;
  readonly limits: Readonly<ConversationCacheLimits>;

  constructor(limits: Partial<ConversationCacheLimits> = {}) {
    this.limits = { ...DEFAULT_CONVERSATION_CACHE_LIMITS, ...limits };
  }

  /** Entries held, reserved ones included. */
  get size(): number {
    return this.entries.size;
  }

  /** The estimated bytes held (see approxBytes). */
  get bytes(): number {
    return this.totalBytes;
  }

  remember(entry: ConversationEntry): CachedConversation {
    const { output, ...rest } = entry;
    return this.reserve(rest).commit(output)!;
  }

  reserve(entry: Omit<ConversationEntry, "output">): ConversationReservation {
    const id = entry.responseId;
    this.evict(id);
    const held = entry.sizeHint !== undefined ? entry.sizeHint * HEAP_PER_BODY_BYTE : (approxBytes(entry.input) + approxBytes(entry.upstreamMessages)) * HEAP_PER_APPROX_BYTE;
    this.add({ ...entry, output: [], toolCalls: new Map(), bytes: Math.ceil(held) });
    this.pending.add(id);
    // The handle holds the id alone: an entry evicted before its answer ends must be freed then,
    // not kept alive by the request that will commit it (ids are unique: a request id).
    return {
      commit: (output, finalId = id) => {
        const reserved = this.entries.get(id);
        if (!reserved || !this.pending.has(id)) return undefined;
        this.evict(id);
        if (finalId !== id) this.evict(finalId);
        const toolCalls = new Map<string, CachedToolCall>();
        for (const item of output) {
          if (item.type === "function_call" || item.type === "custom_tool_call" || item.type === "local_shell_call") toolCalls.set(item.call_id, item);
        }
        const cached: CachedConversation = { ...reserved, responseId: finalId, output, toolCalls, bytes: reserved.bytes + Math.ceil(approxBytes(output) * HEAP_PER_APPROX_BYTE) };
        this.add(cached);
        if (cached.threadKey) this.threads.set(cached.threadKey, finalId);
        return cached;
      },
      cancel: () => {
        if (this.pending.has(id)) this.evict(id);
      },
    };
  }

  /** Adds as the most recent entry, then evicts the least recent ones over the bounds. */
  private add(e: CachedConversation): void {
    this.entries.set(e.responseId, e);
    this.totalBytes += e.bytes;
    // Never evict the entry just added: a single oversized response is still kept until the next one.
    while (this.entries.size > 1 && (this.entries.size > this.limits.maxEntries || this.totalBytes > this.limits.maxBytes)) {
      this.evict(this.entries.keys().next().value!);
    }
  }

  get(responseId: string): CachedConversation | undefined {
    const e = this.entries.get(responseId);
    if (!e || this.pending.has(responseId)) return undefined;
    this.entries.delete(responseId);
    this.entries.set(responseId, e);
    return e;
  }

  latestForThread(threadKey: string): CachedConversation | undefined {
    const id = this.threads.get(threadKey);
    return id === undefined ? undefined : this.get(id);
  }

  evict(responseId: string): boolean {
    const e = this.entries.get(responseId);
    if (!e) return false;
    this.entries.delete(responseId);
    this.pending.delete(responseId);
    this.totalBytes -= e.bytes;
    if (e.threadKey && this.threads.get(e.threadKey) === responseId) this.threads.delete(e.threadKey);
    return true;
  }
}

/**
 * The thread a Responses request belongs to: Codex's `thread-id` header (or `session-id`, the
 * same UUID; codex-protocol §3), else the body's `prompt_cache_key` (also the thread UUID).
 */
export function threadKeyOf(headers: Headers, body: { prompt_cache_key?: unknown }): string | undefined {
  const h = threadHeaderOf(headers);
  if (h) return h;
  return typeof body.prompt_cache_key === "string" && body.prompt_cache_key ? body.prompt_cache_key : undefined;
}

/** The thread a request names in its headers (Codex's `thread-id`, or `session-id`), if any. */
export function threadHeaderOf(headers: Pick<Headers, "get">): string | undefined {
  return headers.get("thread-id") || headers.get("session-id") || undefined;
}

const OBJECT_COST = 16;
const MAX_DEPTH = 16;

/** Estimates of history items and messages already counted: continued conversations share them, so a turn only walks its new ones. */
const itemBytes = new WeakMap<object, number>();

/** Bytes of a JSON-ish value, estimated without serialising it: string lengths plus a fixed cost per value. */
export function approxBytes(v: unknown, depth = 0): number {
  if (typeof v === "string") return v.length + 2;
  if (v === null || typeof v !== "object") return 8;
  if (depth > MAX_DEPTH) return OBJECT_COST;
  let n = OBJECT_COST;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const e = v[i];
      if (depth > 0 || e === null || typeof e !== "object") {
        n += approxBytes(e, depth + 1);
        continue;
      }
      // top-level elements (items, messages) are never modified once built: count each once
      let b = itemBytes.get(e);
      if (b === undefined) itemBytes.set(e, (b = approxBytes(e, depth + 1)));
      n += b;
    }
    return n;
  }
  for (const k in v) n += k.length + approxBytes((v as Record<string, unknown>)[k], depth + 1);
  return n;
}
