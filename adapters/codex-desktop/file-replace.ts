import { closeSync, copyFileSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { createHash } from "node:crypto";
import { tempBeside } from "../codex-config/atomic-write.ts";

function fsyncPath(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Renames a finished temp file over `dest`; the temp is removed if that fails. */
export function renameIntoPlace(tmp: string, dest: string): void {
  try {
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Copies `src` over `dest` so that `dest` is always either the old or the whole new file. */
export function copyFileAtomic(src: string, dest: string): void {
  const tmp = tempBeside(dest);
  try {
    copyFileSync(src, tmp);
    fsyncPath(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  renameIntoPlace(tmp, dest);
}

/** Writes `bytes` to a flushed temp file beside `dest` (with `dest`'s permissions) and returns its path; `renameIntoPlace` finishes the swap. */
export function writeTempBeside(dest: string, bytes: Uint8Array): string {
  const tmp = tempBeside(dest);
  let mode = 0o644;
  try {
    mode = statSync(dest).mode & 0o777;
  } catch {}
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}

/** Hex SHA-256 of a file, read in 1 MiB pieces (app.asar is ~100 MB). */
export function sha256OfFile(path: string): string {
  const h = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (!n) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}
