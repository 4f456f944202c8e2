import { isSharedHistory } from "./shared-history.ts";

/**
 * The UTF-8 bytes of `JSON.stringify(body)`, byte for byte, built faster for big bodies: the
 * array at `body[arrayKey]` (the history: chat/Anthropic `messages`, Responses `input`) is
 * stringified element by element. V8 writes a JSON string in one width: a single non-ASCII
 * character anywhere makes `JSON.stringify` of the whole body a two-byte string, and every ASCII
 * element after it is written, copied and UTF-8-encoded at two bytes per character. Element by
 * element, only the elements that contain such characters pay that. Measured on a 1 MB
 * Codex-shaped chat body: 4.4 → 2.7 ms (docs/performance.md). When the array is a shared
 * history (shared-history.ts), each element object's bytes are kept and reused whenever the same
 * object is encoded again (see below).
 */
export function encodeJsonBody(body: Record<string, unknown>, arrayKey: string): Buffer {
  const pieces: Buffer[] = [];
  let text = "{";
  let first = true;
  // Object.keys is the order JSON.stringify writes keys in; undefined/function values are left out as it does
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (key === arrayKey && Array.isArray(value)) {
      pieces.push(Buffer.from(`${text}${first ? "" : ","}${JSON.stringify(key)}:[`));
      first = false;
      const reuse = isSharedHistory(value);
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (reuse && typeof v === "object" && v !== null) {
          const b = elementBytes(v);
          pieces.push(i ? b : b.subarray(1));
        } else {
          const s = JSON.stringify(v) ?? "null";
          pieces.push(Buffer.from(i ? `,${s}` : s));
        }
      }
      text = "]";
      continue;
    }
    const s = JSON.stringify(value);
    if (s === undefined) continue;
    text += `${first ? "" : ","}${JSON.stringify(key)}:${s}`;
    first = false;
  }
  pieces.push(Buffer.from(`${text}}`));
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

/**
 * The UTF-8 JSON of request items that pass through unchanged (native Responses and ChatGPT
 * routes), by item. A thread's turns share their parsed history items (server/body-prefix-reuse.ts),
 * and items are never modified once parsed, so each is stringified and encoded once (with the
 * comma that precedes it in all but the first place).
 */
const encodedElements = new WeakMap<object, Buffer>();

function elementBytes(v: object): Buffer {
  let b = encodedElements.get(v);
  if (!b) encodedElements.set(v, (b = Buffer.from(`,${JSON.stringify(v) ?? "null"}`)));
  return b;
}
