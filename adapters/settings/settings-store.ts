import { mkdirSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { loadSettingsFile } from "./load-settings-file.ts";
import { SettingsError } from "./parse-settings.ts";
import type { ModelConfig, Settings } from "./settings-types.ts";

export interface SettingsStoreOptions {
  file: string;
  /** true when the user named the file explicitly (then it must exist). */
  required: boolean;
  log?: (line: string) => void;
}

/**
 * Holds the current settings in memory. They are read once, then re-read when the file changes
 * (not per request). A broken edit is reported and the last good settings stay in force;
 * a request keeps the Settings object it started with, so in-flight requests finish on it.
 */
export class SettingsStore {
  readonly file: string;
  private readonly required: boolean;
  private readonly log: (line: string) => void;
  private value: Settings;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  lastError: SettingsError | null = null;
  generation = 0;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(opts: SettingsStoreOptions) {
    this.file = opts.file;
    this.required = opts.required;
    this.log = opts.log ?? (() => {});
    this.value = loadSettingsFile(this.file, { required: this.required }); // throws on a bad start
  }

  get current(): Settings {
    return this.value;
  }

  findModel(name: string): ModelConfig | undefined {
    return findModel(this.value, name);
  }

  onChange(fn: (s: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Re-reads the file now. Returns true when new settings took effect. */
  reload(): boolean {
    try {
      const next = loadSettingsFile(this.file, { required: this.required, blankIsError: true });
      this.value = next;
      this.lastError = null;
      this.generation++;
      this.log(`[settings] reloaded ${this.file}: ${next.models.length} model(s)`);
      for (const fn of this.listeners) fn(next);
      return true;
    } catch (e) {
      this.lastError = e instanceof SettingsError ? e : new SettingsError([String(e)]);
      this.log(`[settings] kept the last good settings; the edited file has problems:\n${this.lastError.problems.map((p) => `  ${p}`).join("\n")}`);
      return false;
    }
  }

  /** Watches the directory (editors replace files by rename, which a file watch would miss). */
  watch(): void {
    if (this.watcher) return;
    const name = basename(this.file);
    try {
      // The default state dir may not exist yet (first `npm start`): create it, so that a settings
      // file the user adds afterwards is picked up without a restart, as the start banner says.
      mkdirSync(dirname(this.file), { recursive: true });
      this.watcher = watch(dirname(this.file), { persistent: false }, (_ev, f) => {
        if (f && f !== name) return;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = null;
          this.reload();
        }, 50);
        this.timer.unref();
      });
      this.watcher.on("error", () => {});
    } catch (e) {
      this.log(`[settings] cannot watch ${dirname(this.file)} (${(e as Error).message}); edits take effect after a restart`);
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
  }
}

/** Exact slug, else the unique row whose `model` equals the name (reference-behavior §3.5). */
export function findModel(s: Settings, name: string): ModelConfig | undefined {
  const bySlug = s.models.find((m) => m.slug === name);
  if (bySlug) return bySlug;
  const byModel = s.models.filter((m) => m.model === name);
  return byModel.length === 1 ? byModel[0] : undefined;
}
