import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleVersion, findAsarIntegrity, plistString, plistText } from "./info-plist.ts";
import { readAsarIndex, type AsarIndex } from "./asar-archive.ts";

/** A failure the user can act on; the CLI prints it and exits 1. */
export class DesktopError extends Error {}

export interface CodexAppBundle {
  /** The `.app` folder. */
  path: string;
  plistPath: string;
  asarPath: string;
  plist: string;
  version: string;
  bundleId?: string;
  asar: AsarIndex;
}

export function bundlePaths(app: string): { plistPath: string; asarPath: string } {
  return { plistPath: join(app, "Contents", "Info.plist"), asarPath: join(app, "Contents", "Resources", "app.asar") };
}

/**
 * Opens an app bundle laid out as macOS Electron apps are (Contents/Info.plist with an
 * ElectronAsarIntegrity entry, Contents/Resources/app.asar); anything else is refused with what
 * is missing, before anything is read further or written.
 */
export function openCodexAppBundle(app: string): CodexAppBundle {
  const path = resolve(app);
  if (!existsSync(path)) throw new DesktopError(`Codex Desktop not found at ${path}.`);
  if (!statSync(path).isDirectory()) throw new DesktopError(`${path} is not an app bundle (a folder such as /Applications/Codex.app).`);
  const { plistPath, asarPath } = bundlePaths(path);
  const layout = `expected an Electron app bundle: ${path}/Contents/Info.plist and ${path}/Contents/Resources/app.asar`;
  if (!existsSync(plistPath)) throw new DesktopError(`${path} does not look like Codex Desktop: Contents/Info.plist is missing (${layout}).`);
  if (!existsSync(asarPath)) throw new DesktopError(`${path} does not look like Codex Desktop: Contents/Resources/app.asar is missing (${layout}).`);
  let plist: string;
  try {
    plist = plistText(readFileSync(plistPath), plistPath);
  } catch (e) {
    throw new DesktopError((e as Error).message);
  }
  if (!findAsarIntegrity(plist))
    throw new DesktopError(`${plistPath} has no ElectronAsarIntegrity hash for Resources/app.asar; this is not a Codex Desktop layout codex-shim knows (${bundleVersion(plist)}).`);
  let asar: AsarIndex;
  try {
    asar = readAsarIndex(asarPath);
  } catch (e) {
    throw new DesktopError((e as Error).message);
  }
  return { path, plistPath, asarPath, plist, version: bundleVersion(plist), bundleId: plistString(plist, "CFBundleIdentifier"), asar };
}

/** Whether codex-shim can replace app.asar in place (the file and its folder are writable). */
export function asarWritable(app: string): boolean {
  const { asarPath } = bundlePaths(app);
  try {
    accessSync(asarPath, constants.W_OK);
    accessSync(join(app, "Contents", "Resources"), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
