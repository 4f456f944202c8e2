import { DatabaseSync, type StatementSync } from "node:sqlite";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { ResponseStore, ResponseStoreLimits, StoredResponse } from "./response-store.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS responses (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  response TEXT NOT NULL,
  input TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS responses_by_age ON responses (created_at);
`;

/**
 * `ResponseStore` on Node's built-in SQLite (`node:sqlite`, no native build). Every write is one
 * transaction in WAL mode: a crash (even SIGKILL mid-write) leaves either the whole row or no row,
 * never half of one. Limits are enforced inside the same transaction as the write, oldest first.
 * Stored: the response object and its input items, nothing else (no headers, no keys).
 */
export class SqliteResponseStore implements ResponseStore {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly select: StatementSync;
  private readonly remove: StatementSync;
  private readonly pruneAge: StatementSync;
  private readonly total: StatementSync;
  private readonly oldest: StatementSync;
  private limits: ResponseStoreLimits;
  readonly file: string;

  constructor(file: string, limits: ResponseStoreLimits) {
    this.file = file;
    this.limits = limits;
    if (file !== ":memory:") {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // Conversations are private: the file (and the -wal/-shm files SQLite creates like it) is owner-only.
      closeSync(openSync(file, "a", 0o600));
    }
    this.db = new DatabaseSync(file);
    // secure_delete: a DELETE overwrites the content instead of leaving it in free pages.
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000; PRAGMA secure_delete = ON;");
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare("INSERT OR REPLACE INTO responses (id, created_at, bytes, response, input) VALUES (?, ?, ?, ?, ?)");
    this.select = this.db.prepare("SELECT created_at, response, input FROM responses WHERE id = ?");
    this.remove = this.db.prepare("DELETE FROM responses WHERE id = ?");
    this.pruneAge = this.db.prepare("DELETE FROM responses WHERE created_at < ?");
    this.total = this.db.prepare("SELECT COALESCE(SUM(bytes), 0) AS total, COUNT(*) AS n FROM responses");
    this.oldest = this.db.prepare("SELECT id, bytes FROM responses ORDER BY created_at ASC, rowid ASC LIMIT 64");
  }

  setLimits(limits: ResponseStoreLimits): void {
    this.limits = limits;
  }

  put(r: StoredResponse): void {
    const response = JSON.stringify(r.response);
    const input = JSON.stringify(r.input);
    const bytes = Buffer.byteLength(response) + Buffer.byteLength(input);
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.insert.run(r.id, r.createdAt, bytes, response, input);
      this.enforceLimits(r.id);
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  /** Age first, then size, oldest first; the row just written is kept even when it alone is over the size limit. */
  private enforceLimits(keep: string): void {
    this.pruneAge.run(Math.floor((Date.now() - this.limits.maxAgeMs) / 1000));
    let { total } = this.total.get() as { total: number };
    while (total > this.limits.maxBytes) {
      const rows = this.oldest.all() as { id: string; bytes: number }[];
      let progressed = false;
      for (const row of rows) {
        if (total <= this.limits.maxBytes) break;
        if (row.id === keep) continue;
        this.remove.run(row.id);
        total -= row.bytes;
        progressed = true;
      }
      if (!progressed) break;
    }
  }

  get(id: string): StoredResponse | undefined {
    const row = this.select.get(id) as { created_at: number; response: string; input: string } | undefined;
    if (!row) return undefined;
    if (row.created_at * 1000 < Date.now() - this.limits.maxAgeMs) return undefined;
    return { id, createdAt: row.created_at, response: JSON.parse(row.response), input: JSON.parse(row.input) };
  }

  delete(id: string): boolean {
    return Number(this.remove.run(id).changes) > 0;
  }

  /** Rows and bytes held (for tests and /health). */
  stats(): { rows: number; bytes: number } {
    const { total, n } = this.total.get() as { total: number; n: number };
    return { rows: n, bytes: total };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
