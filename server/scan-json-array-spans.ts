/**
 * Where the elements of one top-level array of a JSON object body are, in its bytes: for
 * `{"model":…,"input":[A,B,C],"tools":…}` and key `input`, the offset just after `[` and the
 * offset just after each of A, B, C. A structural scan, not a parser: it steps over strings with
 * `indexOf('"')` (memchr) and looks only at the bytes between them, so it costs a fraction of
 * `JSON.parse`. It is meant for text that `JSON.parse` accepted (or whose validity is otherwise
 * established) and answers null for anything else it does not expect: a root that is not an
 * object, the key missing, the key present twice at the top level (JSON.parse keeps the last one;
 * the spans would be of the other), its value not an array.
 */
export interface ArraySpans {
  /** Offset just after the array's `[`. */
  open: number;
  /** Offset just after each element's last byte, in order. */
  ends: number[];
}

/** Scanning state to resume from: inside the array, just after element `ends.length - 1`. */
export interface ScanResume extends ArraySpans {
  pos: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The offset just after the string that opens at `i` (a `"`), or -1. */
function stringEnd(raw: Buffer, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = raw.indexOf(QUOTE, from);
    if (q < 0) return -1;
    // escaped when preceded by an odd run of backslashes (the opening quote ends any run)
    let b = q - 1;
    while (raw[b] === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** Whether the string token raw[start, end) (quotes included) is the JSON string `key`. */
function isKey(raw: Buffer, start: number, end: number, key: string): boolean {
  if (raw.subarray(start, end).includes(BACKSLASH)) return JSON.parse(raw.toString("utf8", start, end)) === key;
  return raw.toString("utf8", start + 1, end - 1) === key;
}

/**
 * The spans of the elements of the top-level array at `key`, or null (see above). With `resume`,
 * scanning starts inside that array just after its last known element (the bytes before are
 * taken as they were).
 */
export function scanJsonArraySpans(raw: Buffer, key: string, resume?: ScanResume): ArraySpans | null {
  const n = raw.length;
  let i: number;
  let depth: number;
  let open = -1;
  let ends: number[];
  let inArray: boolean;
  let seen: boolean;
  let expectKey = false;
  if (resume) {
    ({ pos: i, open } = resume);
    ends = resume.ends.slice();
    depth = 2;
    inArray = seen = true;
  } else {
    i = 0;
    while (i < n && isSpace(raw[i])) i++;
    if (raw[i] !== LBRACE) return null;
    i++;
    depth = 1;
    ends = [];
    inArray = seen = false;
    expectKey = true;
  }
  while (i < n) {
    const c = raw[i];
    if (c === QUOTE) {
      const e = stringEnd(raw, i);
      if (e < 0) return null;
      if (depth === 1 && expectKey) {
        expectKey = false;
        const named = isKey(raw, i, e, key);
        let j = e;
        while (j < n && isSpace(raw[j])) j++;
        if (raw[j] !== COLON) return null;
        j++;
        while (j < n && isSpace(raw[j])) j++;
        if (named) {
          if (seen || raw[j] !== LBRACKET) return null;
          seen = inArray = true;
          open = j + 1;
          depth = 2;
          i = open;
        } else i = j;
        continue;
      }
      if (inArray && depth === 2) ends.push(e);
      i = e;
      continue;
    }
    switch (c) {
      case LBRACE:
      case LBRACKET:
        depth++;
        i++;
        break;
      case RBRACE:
      case RBRACKET:
        depth--;
        i++;
        if (inArray) {
          if (depth === 2) ends.push(i);
          else if (depth === 1) inArray = false;
        }
        if (depth < 0) return null;
        break;
      case COMMA:
        if (depth === 1) expectKey = true;
        i++;
        break;
      case COLON:
        i++;
        break;
      default:
        if (isSpace(c)) {
          i++;
          break;
        }
        // a number, true, false or null: up to the next delimiter
        while (i < n && !isSpace(raw[i]) && raw[i] !== COMMA && raw[i] !== RBRACKET && raw[i] !== RBRACE) i++;
        if (inArray && depth === 2) ends.push(i);
    }
  }
  return depth === 0 && seen ? { open, ends } : null;
}
