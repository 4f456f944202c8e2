import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, join } from "node:path";
import { copyFileAtomic } from "./file-replace.ts";
import { writeFileAtomic } from "../codex-config/atomic-write.ts";

/** Same names as the Python original's backups (reference-behavior §2.11). */
export const ASAR_BACKUP = "app.asar.before-codex-shim-model-picker-patch";
export const PLIST_BACKUP = "Info.plist.before-codex-shim-model-picker-patch";
const RECORDS = "patches.json";

/** One patch-app run that changed app.asar: which original became which patched file. */
export interface PatchRecord {
  /** sha256 of app.asar before the patch. */
  original: string;
  /** sha256 of app.asar after it. */
  patched: string;
  version: string;
  at: string;
}

/**
 * Backups of one bundle live in their own folder of the state dir (`desktop-backups/<name>-<id>`),
 * so `--app` bundles never share (or overwrite) each other's originals.
 */
export function backupDirFor(stateDir: string, bundle: string): string {
  let real = bundle;
  try {
    real = realpathSync(bundle);
  } catch {}
  const id = createHash("sha256").update(real).digest("hex").slice(0, 10);
  return join(stateDir, "desktop-backups", `${basename(real).replace(/[^\w.-]/g, "_")}-${id}`);
}

export const versionedAsarBackup = (dir: string, sha: string) => join(dir, `${ASAR_BACKUP}.${sha.slice(0, 12)}`);
export const versionedPlistBackup = (dir: string, sha: string) => join(dir, `${PLIST_BACKUP}.${sha.slice(0, 12)}`);

/**
 * Before any change: the first original (kept forever), one copy per distinct app.asar (by
 * sha256) with the Info.plist that went with it. Existing backups are never overwritten.
 * Returns one line per file backed up.
 */
export function backUpOriginals(dir: string, files: { asarPath: string; plistPath: string }, asarSha: string): string[] {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const copies: [string, string][] = [
    [files.asarPath, join(dir, ASAR_BACKUP)],
    [files.asarPath, versionedAsarBackup(dir, asarSha)],
    [files.plistPath, join(dir, PLIST_BACKUP)],
    [files.plistPath, versionedPlistBackup(dir, asarSha)],
  ];
  for (const [src, dest] of copies) {
    if (existsSync(dest)) continue;
    copyFileAtomic(src, dest);
    lines.push(`Backed up ${src} to ${dest}.`);
  }
  return lines;
}

export function readPatchRecords(dir: string): PatchRecord[] {
  try {
    const v = JSON.parse(readFileSync(join(dir, RECORDS), "utf8"));
    return Array.isArray(v) ? (v as PatchRecord[]) : [];
  } catch {
    return [];
  }
}

export function addPatchRecord(dir: string, rec: PatchRecord): void {
  const all = readPatchRecords(dir).filter((r) => r.patched !== rec.patched);
  all.push(rec);
  writeFileAtomic(join(dir, RECORDS), `${JSON.stringify(all, null, 2)}\n`);
}

/** `~/Applications/Codex.app` when patch-app patched that copy (then it, not /Applications', is the one to open). */
export function patchedUserBundle(stateDir: string, home: string): string | undefined {
  const user = join(home, "Applications", "Codex.app");
  return existsSync(user) && readPatchRecords(backupDirFor(stateDir, user)).length > 0 ? user : undefined;
}
