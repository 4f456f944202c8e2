import { readFileSync, statSync } from "node:fs";

/** What the parser gets: the file's text, or why it could not be read. */
export type FileRead = { ok: true; text: string } | { ok: false; missing: boolean };

/**
 * A small file that is read on the request path (Codex's `auth.json`, `models_cache.json`) but
 * changes rarely: parsed once, then re-parsed only when its identity changes. One `statSync` per
 * call checks it — inode, size, mtime and ctime to the nanosecond — so a new `codex login`
 * (which rewrites or replaces the file) takes effect on the next request without a restart.
 * The parsed value is shared between callers: treat it as read-only.
 */
export class StatCachedFile<T> {
  private readonly parse: (read: FileRead, file: string) => T;
  private readonly entries = new Map<string, { stamp: string; value: T }>();

  constructor(parse: (read: FileRead, file: string) => T) {
    this.parse = parse;
  }

  get(file: string): T {
    const stamp = stampOf(file);
    const hit = this.entries.get(file);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = this.parse(readText(file, stamp), file);
    // Paths come from $CODEX_HOME, which is one per process in practice; bound it anyway.
    if (!hit && this.entries.size >= 8) this.entries.clear();
    this.entries.set(file, { stamp, value });
    return value;
  }
}

const MISSING = "missing";

function stampOf(file: string): string {
  try {
    const s = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!s) return MISSING;
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return "unreadable";
  }
}

function readText(file: string, stamp: string): FileRead {
  if (stamp === MISSING) return { ok: false, missing: true };
  try {
    return { ok: true, text: readFileSync(file, "utf8") };
  } catch (e) {
    return { ok: false, missing: (e as NodeJS.ErrnoException).code === "ENOENT" };
  }
}
