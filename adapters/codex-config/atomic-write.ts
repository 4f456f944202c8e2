import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The file to write when `file` may be a symlink (dotfile managers link config.toml):
 * writing through the link's target keeps the link.
 */
export function resolveWriteTarget(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** A temp name beside `dest` (same folder, so the final rename is atomic). */
export function tempBeside(dest: string): string {
  return join(dirname(dest), `.${basename(dest)}.codex-shim-${process.pid}-${Date.now()}.tmp`);
}

/** Writes `text` to a temp file beside `file`, flushes it, and renames it over `file`. */
export function writeFileAtomic(file: string, text: string): void {
  const target = resolveWriteTarget(file);
  mkdirSync(dirname(target), { recursive: true });
  let mode = 0o600;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {}
  const tmp = tempBeside(target);
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    throw e;
  }
}

/**
 * Copies `file` into `dir` as `<name>.<timestamp>.bak` and keeps the newest `keep` copies.
 * Returns the backup path.
 */
export function backupFile(file: string, dir: string, keep = 10): string {
  mkdirSync(dir, { recursive: true });
  const name = basename(file).slice(0, 120);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  let dest = join(dir, `${name}.${stamp}.bak`);
  for (let n = 1; exists(dest); n++) dest = join(dir, `${name}.${stamp}-${n}.bak`);
  copyFileSync(resolveWriteTarget(file), dest);
  const old = readdirSync(dir)
    .filter((f) => f.startsWith(`${name}.`) && f.endsWith(".bak"))
    .sort();
  for (const f of old.slice(0, Math.max(0, old.length - keep))) {
    try {
      unlinkSync(join(dir, f));
    } catch {}
  }
  return dest;
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
