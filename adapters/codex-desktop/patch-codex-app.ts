import { chmodSync, rmSync, statSync } from "node:fs";
import { DesktopError, openCodexAppBundle, type CodexAppBundle } from "./codex-app-bundle.ts";
import { asarHeaderHash, readAsarFile, readAsarIndex, repackAsar } from "./asar-archive.ts";
import { candidatePaths, DESKTOP_PATCHES, planPatch, type PatchPlan } from "./desktop-patches.ts";
import { findAsarIntegrity, withAsarIntegrityHash } from "./info-plist.ts";
import { addPatchRecord, backUpOriginals, backupDirFor } from "./app-backups.ts";
import { renameIntoPlace, sha256OfFile, writeTempBeside } from "./file-replace.ts";
import { tempBeside } from "../codex-config/atomic-write.ts";
import { ensureNotRunning, patchTarget, resign, type DesktopDeps } from "./desktop-steps.ts";

/** The texts (latin1) of every archive file a patch may look at. */
function candidateTexts(index: CodexAppBundle["asar"]): Map<string, string> {
  const files = index.entries.filter((e) => e.kind === "file" && !e.unpacked);
  const paths = new Set(candidatePaths(files.map((e) => e.path)));
  return new Map(files.filter((e) => paths.has(e.path)).map((e) => [e.path, readAsarFile(index, e).toString("latin1")]));
}

function planFailure(plan: Extract<PatchPlan, { status: "missing" | "ambiguous" }>, label: string, b: CodexAppBundle): DesktopError {
  const where = `Codex Desktop ${b.version} (${b.path})`;
  if (plan.status === "missing")
    return new DesktopError(
      `Could not find the expected ${label} in ${where}: searched ${plan.globs.join(", ")} in app.asar. ` +
        `This Desktop version changed that code, so codex-shim cannot patch it yet. Nothing was written.`,
    );
  return new DesktopError(
    `The ${label} pattern matched more than once in ${where} (${plan.matches.map((m) => `${m.file}: ${m.count}`).join(", ")}), ` +
      `so codex-shim does not know which one to change. Nothing was written.`,
  );
}

/** Plans every patch on the archive's texts; throws (nothing written) when one cannot be placed. */
function planAll(b: CodexAppBundle): { replace: Map<string, Buffer>; lines: string[] } {
  const texts = candidateTexts(b.asar);
  const changed = new Set<string>();
  const lines: string[] = [];
  for (const patch of DESKTOP_PATCHES) {
    const plan = planPatch(patch, texts);
    if (plan.status === "missing" || plan.status === "ambiguous") throw planFailure(plan, patch.label, b);
    if (plan.status === "applied") {
      lines.push(`Codex Desktop ${patch.label} patch is already applied (${plan.file}).`);
      continue;
    }
    texts.set(plan.file, plan.text);
    changed.add(plan.file);
    lines.push(`Patched Codex Desktop ${patch.label} (${plan.file}).`);
  }
  return { replace: new Map([...changed].map((f) => [f, Buffer.from(texts.get(f)!, "latin1")])), lines };
}

/** Reads the new archive back: every patch must now be found applied. */
function checkPatched(asarPath: string, b: CodexAppBundle): void {
  const fresh = { ...b, asar: readAsarIndex(asarPath) };
  const texts = candidateTexts(fresh.asar);
  for (const patch of DESKTOP_PATCHES) {
    const plan = planPatch(patch, texts);
    if (plan.status !== "applied") throw new Error(`the rebuilt archive does not show the ${patch.label} patch (${plan.status})`);
  }
}

/**
 * `codex-shim patch-app`: turns off Codex Desktop's picker allowlist and its sidebar provider
 * filter so custom catalog models show. Every patch is placed in memory first (a miss writes
 * nothing), Codex is quit, the originals are backed up, the new app.asar and Info.plist are
 * written as temp files beside the real ones, checked, and renamed over them; then the bundle
 * is re-signed. A second run finds both patches applied and changes nothing.
 */
export async function patchCodexApp(app: string | undefined, d: DesktopDeps): Promise<void> {
  const b = openCodexAppBundle(patchTarget(app, d));
  const { replace, lines } = planAll(b);
  if (!replace.size) {
    for (const l of lines) d.out(l);
    const loc = findAsarIntegrity(b.plist);
    if (loc && loc.hash !== asarHeaderHash(b.asarPath))
      d.out(`Warning: ${b.plistPath}'s ElectronAsarIntegrity hash does not match app.asar; Codex Desktop may refuse to start. Run codex-shim restore-app, or reinstall Codex Desktop.`);
    d.out(`Nothing to change in ${b.path}.`);
    return;
  }
  await ensureNotRunning(b.path, b.bundleId, "patch-app", d);
  const originalSha = sha256OfFile(b.asarPath);
  const backups = backupDirFor(d.stateDir, b.path);
  for (const l of backUpOriginals(backups, b, originalSha)) d.out(l);

  const tmpAsar = tempBeside(b.asarPath);
  let tmpPlist: string | null = null;
  let hash: string;
  try {
    await repackAsar(b.asar, tmpAsar, replace);
    chmodSync(tmpAsar, statSync(b.asarPath).mode & 0o777);
    hash = asarHeaderHash(tmpAsar);
    tmpPlist = writeTempBeside(b.plistPath, Buffer.from(withAsarIntegrityHash(b.plist, hash, b.plistPath), "latin1"));
    checkPatched(tmpAsar, b);
  } catch (e) {
    rmSync(tmpAsar, { force: true });
    if (tmpPlist) rmSync(tmpPlist, { force: true });
    throw new DesktopError(`Could not build the patched app.asar: ${(e as Error).message}. Nothing was changed in ${b.path}.`);
  }
  // the two renames are back to back; each file is always whole (old or new)
  renameIntoPlace(tmpAsar, b.asarPath);
  renameIntoPlace(tmpPlist, b.plistPath);
  addPatchRecord(backups, { original: originalSha, patched: sha256OfFile(b.asarPath), version: b.version, at: new Date().toISOString() });
  for (const l of lines) d.out(l);
  d.out(`Updated ElectronAsarIntegrity for app.asar in ${b.plistPath} (sha256 ${hash.slice(0, 16)}…).`);
  resign(b.path, "patch-app", d);
  d.out(`Codex Desktop ${b.version} is patched: custom catalog models show in its model picker. Undo with: codex-shim restore-app${app ? ` --app "${b.path}"` : ""}`);
}
