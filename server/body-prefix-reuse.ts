import { scanJsonArraySpans, type ArraySpans } from "./scan-json-array-spans.ts";
import { exceedsDepth, MAX_JSON_DEPTH } from "./json-depth.ts";
import { markSharedHistory } from "../adapters/transport/shared-history.ts";
import { ReusableBodyBuffers, type KeptBytes } from "./reusable-body-buffers.ts";

/**
 * Parsing only what is new in a request body. Over HTTP Codex resends the whole history every
 * turn: the body is the previous turn's, byte for byte, up to the end of its `input` items, then
 * the new items and the rest (tools, settings); Anthropic clients do the same with `messages`. For the newest body of each thread this keeps its
 * bytes, where each `input` item ends in them (scan-json-array-spans.ts) and the parsed items.
 * A new body is compared with it (memcmp); the items that lie wholly inside the common prefix,
 * followed in the new body by `,` or `]`, are taken from the earlier parse, and only the text
 * without them — the head before `input`, the new items, the rest — is decoded and parsed.
 *
 * Exact: JSON.parse of identical bytes gives equal values, and removing whole elements of an
 * array from the text leaves it valid exactly when it was (the checks at the cut: the byte
 * after the last reused item is `,` or `]`, and a `,` is not followed by `]`). The new body is
 * scanned from the cut on, which also refuses a second top-level `input` key (JSON.parse keeps
 * the last one). Anything unexpected falls back to a whole parse. Parsed items are never
 * modified after parsing (converters build new values), so sharing them between turns is safe;
 * body-prefix-reuse.test.ts checks the result against JSON.parse of the whole body.
 */
interface BodyRecord {
  /** Its bytes, in a buffer of the reuse's own (reusable-body-buffers.ts). */
  kept: KeptBytes;
  /** Where its items end; scanned when a body is first compared with it (null: it cannot be reused). */
  spans?: ArraySpans | null;
  /** The parsed items, in order (a copy of the array: callers may replace or extend theirs). */
  items: readonly unknown[];
}

export interface BodyPrefixLimits {
  /** Bodies kept (one per thread; bodies without a thread header share `anonymous` of the slots). */
  maxRecords: number;
  anonymous: number;
  /** Bytes of bodies kept. */
  maxBytes: number;
  /** Smaller bodies are parsed whole and not kept (their parse is cheaper than the bookkeeping). */
  minBytes: number;
  /**
   * Reuse only when the shared items are at least this share of the new body: otherwise (a new
   * session whose opening items match another's) the cut-down copy of the body would cost more
   * than it saves — measured +30 MiB RSS under 64 concurrent 250 KB first turns.
   */
  minSharedFraction: number;
}

export const DEFAULT_BODY_PREFIX_LIMITS: Readonly<BodyPrefixLimits> = { maxRecords: 8, anonymous: 4, maxBytes: 8 * 1024 * 1024, minBytes: 64 * 1024, minSharedFraction: 0.5 };

const COMMA = 0x2c;
const RBRACKET = 0x5d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Length of the common prefix of two buffers (memcmp in blocks, then bytes). */
export function commonPrefixLength(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (const block of [65536, 4096, 256, 16]) while (i + block <= n && a.compare(b, i, i + block, i, i + block) === 0) i += block;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** Number of spans that end at or before `limit`. */
function countEndingBy(ends: readonly number[], limit: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class BodyPrefixReuse {
  private readonly records = new Map<string, BodyRecord>();
  private readonly buffers: ReusableBodyBuffers;
  private bytes = 0;
  private anonymousSeq = 0;
  readonly limits: Readonly<BodyPrefixLimits>;
  /** Requests whose body reused an earlier parse, and the items taken from it (for tests and the bench). */
  hits = 0;
  reusedItems = 0;

  /** `key`: the top-level array that holds the history (`input`, or `messages` on /v1/messages). */
  private readonly key: string;

  constructor(key = "input", limits: Partial<BodyPrefixLimits> = {}) {
    this.key = key;
    this.limits = { ...DEFAULT_BODY_PREFIX_LIMITS, ...limits };
    this.buffers = new ReusableBodyBuffers(this.limits.maxBytes / 2);
  }

  /**
   * The parsed body (valid UTF-8 already checked) with the items it shares with a kept body taken
   * from that one's parse, or undefined: then the caller parses it whole and hands it to
   * `remember`. Depth is checked here for the parsed part; the reused items passed before.
   */
  parse(raw: Buffer, thread: string | undefined): Record<string, unknown> | undefined {
    if (raw.length < this.limits.minBytes) return undefined;
    let best: { key: string; rec: BodyRecord; prefix: number } | undefined;
    const worth = raw.length * this.limits.minSharedFraction;
    for (const [key, rec] of this.candidates(thread)) {
      if (rec.spans === null) continue;
      const prefix = commonPrefixLength(rec.kept.bytes, raw);
      if (prefix < worth || (best && prefix <= best.prefix)) continue;
      rec.spans ??= scanJsonArraySpans(rec.kept.bytes, this.key);
      if (rec.spans && rec.spans.ends.length === rec.items.length) best = { key, rec, prefix };
    }
    if (!best) return undefined;
    const { rec } = best;
    const { ends, open } = rec.spans!;
    // the last shared item must be followed by `,` or `]` (a number may go on: `[1,2` → `[1,23`)
    let k = countEndingBy(ends, best.prefix);
    while (k > 0 && raw[ends[k - 1]] !== COMMA && raw[ends[k - 1]] !== RBRACKET) k--;
    if (k === 0) return undefined;
    const end = ends[k - 1];
    if (end - open < worth) return undefined;
    let tail: number;
    if (raw[end] === RBRACKET) tail = end;
    else {
      tail = end + 1;
      let j = tail;
      while (j < raw.length && isSpace(raw[j])) j++;
      if (j >= raw.length || raw[j] === RBRACKET) return undefined;
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.concat([raw.subarray(0, open), raw.subarray(tail)]).toString("utf8"));
    } catch {
      return undefined;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    const body = value as Record<string, unknown>;
    const added = body[this.key];
    if (!Array.isArray(added) || exceedsDepth(body, MAX_JSON_DEPTH)) return undefined;
    const spans = scanJsonArraySpans(raw, this.key, { pos: end, open, ends: ends.slice(0, k) });
    if (!spans || spans.ends.length !== k + added.length) return undefined;
    const items = rec.items.slice(0, k).concat(added);
    body[this.key] = items;
    markSharedHistory(items);
    this.hits++;
    this.reusedItems += k;
    this.keep(best.key, raw, { spans, items: items.slice() });
    return body;
  }

  /** Keeps a body parsed whole, when it is big enough (its items are located only when a later body is compared with it). */
  remember(raw: Buffer, body: Record<string, unknown>, thread: string | undefined): void {
    const items = body[this.key];
    if (raw.length < this.limits.minBytes || !Array.isArray(items)) return;
    this.keep(thread ?? `\0${this.anonymousSeq++}`, raw, { items: items.slice() });
  }

  private *candidates(thread: string | undefined): Iterable<[string, BodyRecord]> {
    if (thread !== undefined) {
      const rec = this.records.get(thread);
      if (rec) yield [thread, rec];
      return;
    }
    for (const entry of this.records) if (entry[0].startsWith("\0")) yield entry;
  }

  private keep(key: string, raw: Buffer, parsed: Omit<BodyRecord, "kept">): void {
    this.drop(key);
    const rec: BodyRecord = { kept: this.buffers.copy(raw), ...parsed };
    this.records.set(key, rec);
    this.bytes += raw.length;
    const anonymous = [...this.records.keys()].filter((k) => k.startsWith("\0"));
    for (let i = 0; i < anonymous.length - this.limits.anonymous; i++) this.drop(anonymous[i]);
    // least recently kept first; the one just kept stays even when it alone is over the bound
    for (const k of this.records.keys()) {
      if (this.records.size <= 1 || (this.records.size <= this.limits.maxRecords && this.bytes <= this.limits.maxBytes)) break;
      this.drop(k);
    }
  }

  private drop(key: string): void {
    const rec = this.records.get(key);
    if (!rec) return;
    this.records.delete(key);
    this.bytes -= rec.kept.bytes.length;
    this.buffers.release(rec.kept);
  }
}
