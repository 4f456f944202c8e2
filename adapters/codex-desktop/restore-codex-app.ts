import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundlePaths, DesktopError } from "./codex-app-bundle.ts";
import { ASAR_BACKUP, PLIST_BACKUP, backupDirFor, readPatchRecords, versionedAsarBackup, versionedPlistBackup } from "./app-backups.ts";
import { copyFileAtomic, sha256OfFile } from "./file-replace.ts";
import { plistString } from "./info-plist.ts";
import { ensureNotRunning, resign, restoreTarget, type DesktopDeps } from "./desktop-steps.ts";

function sameBytes(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

/**
 * `codex-shim restore-app`: puts back, byte for byte, the app.asar and Info.plist that
 * patch-app replaced. The backup is chosen by the current app.asar's sha256 (the original
 * of that very patch), so an old backup is never put into a newer Desktop.
 */
export async function restoreCodexApp(app: string | undefined, d: DesktopDeps, opts: { force?: boolean } = {}): Promise<void> {
  const target = restoreTarget(app, d);
  const { asarPath, plistPath } = bundlePaths(target);
  const dir = backupDirFor(d.stateDir, target);
  const first = join(dir, ASAR_BACKUP);
  if (!existsSync(first)) {
    d.out(`No app.asar backup found at ${first}: patch-app has not changed ${target}, so there is nothing to restore.`);
    return;
  }
  if (!existsSync(asarPath)) throw new DesktopError(`${asarPath} is missing; reinstall Codex Desktop (backups are in ${dir}).`);
  const current = sha256OfFile(asarPath);
  const records = readPatchRecords(dir);
  const rec = records.findLast((r) => r.patched === current);
  let asarSrc: string;
  let plistSrc: string;
  if (rec) {
    asarSrc = versionedAsarBackup(dir, rec.original);
    plistSrc = versionedPlistBackup(dir, rec.original);
  } else if (records.some((r) => r.original === current) || sha256OfFile(first) === current) {
    const pairedPlist = versionedPlistBackup(dir, current);
    if (existsSync(pairedPlist) && !sameBytes(pairedPlist, plistPath)) {
      await ensureNotRunning(target, undefined, "restore-app", d);
      copyFileAtomic(pairedPlist, plistPath);
      d.out(`Restored ${plistPath} from ${pairedPlist}.`);
      resign(target, "restore-app", d);
    }
    d.out(`${asarPath} is already the original (it has no codex-shim patch). Nothing else to restore.`);
    return;
  } else if (!opts.force) {
    throw new DesktopError(
      `${asarPath} is neither the file patch-app wrote nor an original it backed up: Codex Desktop was probably updated since it was patched, which already removed the patch. ` +
        `Nothing was restored. To put back the oldest backup anyway: codex-shim restore-app --force${app ? ` --app "${target}"` : ""}`,
    );
  } else {
    asarSrc = first;
    plistSrc = join(dir, PLIST_BACKUP);
  }
  if (!existsSync(asarSrc)) throw new DesktopError(`The backup ${asarSrc} is missing, so ${asarPath} cannot be restored. Reinstall Codex Desktop.`);
  if (!existsSync(plistSrc)) throw new DesktopError(`The backup ${plistSrc} is missing, so ${plistPath} cannot be restored. Reinstall Codex Desktop.`);
  let bundleId: string | undefined;
  try {
    bundleId = plistString(readFileSync(plistPath, "latin1"), "CFBundleIdentifier");
  } catch {}
  await ensureNotRunning(target, bundleId, "restore-app", d);
  copyFileAtomic(asarSrc, asarPath);
  copyFileAtomic(plistSrc, plistPath);
  if (sha256OfFile(asarPath) !== sha256OfFile(asarSrc) || !sameBytes(plistPath, plistSrc)) throw new DesktopError(`${target} changed while it was being restored; run codex-shim restore-app again.`);
  d.out(`Restored ${asarPath} from ${asarSrc}.`);
  d.out(`Restored ${plistPath} from ${plistSrc}.`);
  resign(target, "restore-app", d);
}
