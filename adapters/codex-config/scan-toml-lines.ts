/**
 * A line-level view of a TOML document, just enough to edit config.toml without reformatting it:
 * which lines are table headers, which start a key/value (with its full dotted key path) and
 * which continue a multi-line value (arrays, inline tables, `"""`/`'''` strings).
 * The document is validated separately with confbox; this scanner never rejects input.
 */

export type TomlLineKind = "blank" | "comment" | "header" | "key" | "continuation" | "other";

export interface TomlLine {
  /** Line text without its line ending. */
  text: string;
  /** The line ending that followed it ("" for the last line without one). */
  eol: string;
  kind: TomlLineKind;
  /** For headers: the table path; for keys: table path + dotted key. */
  path?: string[];
  /** For `key` lines: index of the last line of this key/value (itself unless multi-line). */
  lastLine?: number;
}

/** Splits text into lines keeping each line's own ending (LF or CRLF). */
export function splitLines(text: string): { text: string; eol: string }[] {
  const out: { text: string; eol: string }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) {
      out.push({ text: text.slice(start), eol: "" });
      break;
    }
    const cr = nl > start && text[nl - 1] === "\r";
    out.push({ text: text.slice(start, cr ? nl - 1 : nl), eol: cr ? "\r\n" : "\n" });
    start = nl + 1;
  }
  return out;
}

/** Parses a dotted key (`a."b.c".d`) into its parts; returns null when it is not a key. */
export function parseDottedKey(src: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  const s = src.trim();
  if (!s) return null;
  while (i < s.length) {
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] === '"' || s[i] === "'") {
      const q = s[i];
      let j = i + 1;
      let v = "";
      while (j < s.length && s[j] !== q) {
        if (q === '"' && s[j] === "\\" && j + 1 < s.length) {
          v += s[j + 1];
          j += 2;
          continue;
        }
        v += s[j++];
      }
      if (j >= s.length) return null;
      parts.push(v);
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!m) return null;
      parts.push(m[0]);
      i += m[0].length;
    }
    while (s[i] === " " || s[i] === "\t") i++;
    if (i >= s.length) break;
    if (s[i] !== ".") return null;
    i++;
  }
  return parts;
}

/** Where a key's `=` is, skipping quoted key parts; -1 when there is none. */
function findEquals(line: string): number {
  let q: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === "\\" && q === '"') i++;
      else if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === "=") return i;
    else if (c === "#") return -1;
  }
  return -1;
}

interface ValueState {
  depth: number;
  /** Open multi-line string delimiter, if any. */
  ml: '"""' | "'''" | null;
}

/** Advances the value scanner over one line; returns whether the value is still open after it. */
function scanValue(src: string, st: ValueState): boolean {
  let i = 0;
  while (i < src.length) {
    if (st.ml) {
      if (st.ml === '"""') {
        // skip escaped characters while looking for the closing delimiter
        let j = i;
        let found = -1;
        while (j < src.length) {
          if (src[j] === "\\") {
            j += 2;
            continue;
          }
          if (src.startsWith('"""', j)) {
            found = j;
            break;
          }
          j++;
        }
        if (found === -1) return true;
        i = found + 3;
        while (src[i] === '"') i++; // up to two quotes may end the content
      } else {
        const end = src.indexOf("'''", i);
        if (end === -1) return true;
        i = end + 3;
        while (src[i] === "'") i++;
      }
      st.ml = null;
      continue;
    }
    const c = src[i];
    if (c === "#") break;
    if (src.startsWith('"""', i) || src.startsWith("'''", i)) {
      st.ml = src.slice(i, i + 3) as '"""' | "'''";
      i += 3;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += c === '"' && src[j] === "\\" ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c === "[" || c === "{") st.depth++;
    else if (c === "]" || c === "}") st.depth = Math.max(0, st.depth - 1);
    i++;
  }
  return st.ml !== null || st.depth > 0;
}

export function scanTomlLines(text: string): TomlLine[] {
  const raw = splitLines(text);
  const out: TomlLine[] = [];
  let table: string[] = [];
  let open: { keyLine: number; st: ValueState } | null = null;
  for (let n = 0; n < raw.length; n++) {
    const { text: line, eol } = raw[n];
    if (open) {
      out.push({ text: line, eol, kind: "continuation" });
      if (!scanValue(line, open.st)) {
        out[open.keyLine].lastLine = n;
        open = null;
      }
      continue;
    }
    const t = line.replace(/^\uFEFF/, "").trim();
    if (!t) {
      out.push({ text: line, eol, kind: "blank" });
      continue;
    }
    if (t.startsWith("#")) {
      out.push({ text: line, eol, kind: "comment" });
      continue;
    }
    if (t.startsWith("[")) {
      const arr = t.startsWith("[[");
      const close = t.indexOf(arr ? "]]" : "]");
      const path = close > 0 ? parseDottedKey(t.slice(arr ? 2 : 1, close)) : null;
      if (path) {
        table = path;
        out.push({ text: line, eol, kind: "header", path });
        continue;
      }
      out.push({ text: line, eol, kind: "other" });
      continue;
    }
    const eq = findEquals(t);
    const key = eq > 0 ? parseDottedKey(t.slice(0, eq)) : null;
    if (!key) {
      out.push({ text: line, eol, kind: "other" });
      continue;
    }
    out.push({ text: line, eol, kind: "key", path: [...table, ...key], lastLine: n });
    const st: ValueState = { depth: 0, ml: null };
    if (scanValue(t.slice(eq + 1), st)) open = { keyLine: n, st };
  }
  return out;
}
