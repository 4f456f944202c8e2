import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Settings } from "../settings/settings-types.ts";
import { DEFAULT_RESPONSE_STORE } from "../settings/settings-types.ts";
import type { ResponseStoreLimits } from "./response-store.ts";
import { SqliteResponseStore } from "./sqlite-response-store.ts";

const DAY_MS = 86_400_000;

export function responseStoreLimits(settings: Settings): ResponseStoreLimits {
  const s = settings.responseStore ?? DEFAULT_RESPONSE_STORE;
  return { maxBytes: s.maxMegabytes * 1024 * 1024, maxAgeMs: s.maxAgeDays * DAY_MS };
}

export function responseStoreEnabled(settings: Settings): boolean {
  return (settings.responseStore ?? DEFAULT_RESPONSE_STORE).enabled;
}

/** The database file in the state dir. */
export function responseStoreFile(stateDir: string): string {
  return join(stateDir, "responses.sqlite");
}

/**
 * Opens the SQLite store only when it is needed: the first `store: true` response creates the
 * file; reads (GET, DELETE, previous_response_id) open it only if it exists. So a shim that only
 * ever sees `store: false` (Codex) never touches the disk. Limits follow the live settings.
 */
export class LazyResponseStore {
  private store: SqliteResponseStore | null = null;
  private readonly file: string;
  private readonly settings: () => Settings;

  constructor(file: string, settings: () => Settings) {
    this.file = file;
    this.settings = settings;
  }

  forWrite(): SqliteResponseStore {
    this.store ??= new SqliteResponseStore(this.file, responseStoreLimits(this.settings()));
    this.store.setLimits(responseStoreLimits(this.settings()));
    return this.store;
  }

  forRead(): SqliteResponseStore | null {
    if (!this.store && !existsSync(this.file)) return null;
    return this.forWrite();
  }

  get opened(): boolean {
    return this.store !== null;
  }

  close(): void {
    this.store?.close();
    this.store = null;
  }
}
