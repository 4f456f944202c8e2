import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractFile, getRawHeader, listPackage, uncacheAll } from "@electron/asar";
import { buildSyntheticCodexApp, MODEL_QUERIES_JS, SIGNALS_JS, type SyntheticApp } from "../../test/helpers/synthetic-codex-app.ts";
import { patchCodexApp } from "./patch-codex-app.ts";
import { restoreCodexApp } from "./restore-codex-app.ts";
import { asarHeaderHash, readAsarFile, readAsarIndex } from "./asar-archive.ts";
import { findAsarIntegrity } from "./info-plist.ts";
import { ASAR_BACKUP, backupDirFor, patchedUserBundle, readPatchRecords } from "./app-backups.ts";
import { PICKER_MARKER } from "./desktop-patches.ts";
import { realDesktopDeps, type DesktopDeps } from "./desktop-steps.ts";
import { DesktopError } from "./codex-app-bundle.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
  uncacheAll();
});

async function synthetic(files?: Record<string, string>): Promise<SyntheticApp> {
  const a = await buildSyntheticCodexApp(files);
  cleanups.push(a.close);
  return a;
}

function deps(over: Partial<DesktopDeps> = {}): DesktopDeps & { lines: string[]; signed: string[] } {
  const lines: string[] = [];
  const signed: string[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), "codex-shim-state-"));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  return Object.assign(
    {
      platform: "linux" as NodeJS.Platform,
      stateDir,
      home: stateDir,
      systemApplications: join(stateDir, "no-Applications"),
      out: (l: string) => void lines.push(l),
      runningPids: () => [],
      canWrite: () => true,
      quit: async () => {},
      copyApp: () => {
        throw new Error("unexpected copy");
      },
      codesign: () => ({ status: "missing" as const }),
      sleep: async () => {},
    },
    over,
    { lines, signed },
  );
}

const bytes = (p: string) => readFileSync(p);
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Every entry's bytes (packed from the archive, unpacked from the .unpacked folder). */
function contents(asar: string): Map<string, string> {
  const idx = readAsarIndex(asar);
  const out = new Map<string, string>();
  for (const e of idx.entries) {
    if (e.kind === "file") out.set(e.path, (e.unpacked ? readFileSync(`${asar}.unpacked/${e.path}`) : readAsarFile(idx, e)).toString("latin1"));
    else out.set(e.path, `${e.kind}${e.link ? ` -> ${e.link}` : ""}${e.executable ? " +x" : ""}`);
  }
  return out;
}

describe("patch-app on a synthetic Codex.app", () => {
  it("patches both places, updates the integrity hash, keeps every other byte, backs up first, and a second run changes nothing", async () => {
    const a = await synthetic();
    const d = deps();
    const beforeAsar = bytes(a.asarPath);
    const beforePlist = bytes(a.plistPath).toString("latin1");
    const beforeFiles = contents(a.asarPath);

    await patchCodexApp(a.app, d);
    expect(d.lines).toEqual([
      expect.stringMatching(/^Backed up .*app\.asar to .*app\.asar\.before-codex-shim-model-picker-patch\.$/),
      expect.stringMatching(/app\.asar\.before-codex-shim-model-picker-patch\.[0-9a-f]{12}\.$/),
      expect.stringMatching(/Info\.plist\.before-codex-shim-model-picker-patch\.$/),
      expect.stringMatching(/Info\.plist\.before-codex-shim-model-picker-patch\.[0-9a-f]{12}\.$/),
      "Patched Codex Desktop model picker allowlist filter (webview/assets/model-queries-C9xQ2.js).",
      "Patched Codex Desktop shim-mode sidebar provider filter (webview/assets/app-server-manager-signals-Bv7Lm.js).",
      expect.stringMatching(/^Updated ElectronAsarIntegrity for app\.asar in .*Info\.plist \(sha256 [0-9a-f]{16}…\)\.$/),
      `codesign was not found, so ${a.app} was not re-signed (skipped). On macOS, run: codesign --force --deep --sign - "${a.app}"`,
      `Codex Desktop 26.415.1 (2345) is patched: custom catalog models show in its model picker. Undo with: codex-shim restore-app --app "${a.app}"`,
    ]);

    const after = contents(a.asarPath);
    const mq = after.get("webview/assets/model-queries-C9xQ2.js")!;
    expect(mq).toBe(Buffer.from(MODEL_QUERIES_JS).toString("latin1").replace("let u=c.useHiddenModels&&o!==`amazonBedrock`,d;", `let u=${PICKER_MARKER}!1,d;`));
    const sig = after.get("webview/assets/app-server-manager-signals-Bv7Lm.js")!;
    expect(sig).toBe(SIGNALS_JS.replace("recentConversationSortKey,modelProviders:null", "recentConversationSortKey,modelProviders:[]"));
    expect(sig).toContain("listArchived({cursor:e}){return this.params.requestClient.sendRequest(`thread/list`,{cursor:e,modelProviders:null");
    for (const [p, v] of beforeFiles) if (!p.includes("model-queries") && !p.includes("signals")) expect(after.get(p), p).toBe(v);
    expect([...after.keys()]).toEqual([...beforeFiles.keys()]);

    // Electron's check: the plist hash is the sha256 of the header JSON; per-file integrity is right
    const header = getRawHeader(a.asarPath);
    const plist = bytes(a.plistPath).toString("latin1");
    expect(findAsarIntegrity(plist)!.hash).toBe(sha(header.headerString));
    expect(asarHeaderHash(a.asarPath)).toBe(sha(header.headerString));
    expect(plist).toBe(beforePlist.replace(findAsarIntegrity(beforePlist)!.hash, sha(header.headerString)));
    const node = (header.header as { files: Record<string, { files: Record<string, { integrity: { hash: string } }> }> }).files.webview.files.assets;
    expect((node as unknown as { files: Record<string, { integrity: { hash: string } }> }).files["model-queries-C9xQ2.js"].integrity.hash).toBe(sha(Buffer.from(mq, "latin1")));
    expect(listPackage(a.asarPath, { isPack: false })).toContain("/node_modules/native/build/addon.node");
    expect(extractFile(a.asarPath, "node_modules/native/build/addon.node").toString()).toBe("\u007fELF native bytes");

    const dir = backupDirFor(d.stateDir, a.app);
    expect(bytes(join(dir, ASAR_BACKUP)).equals(beforeAsar)).toBe(true);
    expect(readPatchRecords(dir)).toEqual([{ original: sha(beforeAsar), patched: sha(bytes(a.asarPath)), version: "26.415.1 (2345)", at: expect.any(String) }]);
    expect(readdirSync(join(a.app, "Contents", "Resources")).sort()).toEqual(["app.asar", "app.asar.unpacked"]);

    const patchedAsar = bytes(a.asarPath);
    const patchedPlist = bytes(a.plistPath);
    const backups = readdirSync(dir).sort();
    const again = deps({ stateDir: d.stateDir });
    await patchCodexApp(a.app, again);
    expect(again.lines).toEqual([
      "Codex Desktop model picker allowlist filter patch is already applied (webview/assets/model-queries-C9xQ2.js).",
      "Codex Desktop shim-mode sidebar provider filter patch is already applied (webview/assets/app-server-manager-signals-Bv7Lm.js).",
      `Nothing to change in ${a.app}.`,
    ]);
    expect(bytes(a.asarPath).equals(patchedAsar)).toBe(true);
    expect(bytes(a.plistPath).equals(patchedPlist)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(backups);

    // restore: byte for byte, then nothing left to do
    const r = deps({ stateDir: d.stateDir });
    await restoreCodexApp(a.app, r);
    expect(bytes(a.asarPath).equals(beforeAsar)).toBe(true);
    expect(bytes(a.plistPath).toString("latin1")).toBe(beforePlist);
    expect(r.lines[0]).toMatch(/^Restored .*app\.asar from .*app\.asar\.before-codex-shim-model-picker-patch\.[0-9a-f]{12}\.$/);
    const r2 = deps({ stateDir: d.stateDir });
    await restoreCodexApp(a.app, r2);
    expect(r2.lines).toEqual([`${a.asarPath} is already the original (it has no codex-shim patch). Nothing else to restore.`]);
  });

  it("fails with the patch's name, the globs searched and the Desktop version when a needle is gone, writing nothing", async () => {
    const a = await synthetic({ "webview/assets/model-queries-C9xQ2.js": "export const models=[];\n" });
    const d = deps();
    const before = bytes(a.asarPath);
    await expect(patchCodexApp(a.app, d)).rejects.toThrow(
      `Could not find the expected model picker allowlist filter in Codex Desktop 26.415.1 (2345) (${a.app}): searched webview/assets/models-and-reasoning-efforts-*.js, webview/assets/model-queries-*.js, webview/assets/*.js in app.asar.`,
    );
    expect(bytes(a.asarPath).equals(before)).toBe(true);
    expect(existsSync(backupDirFor(d.stateDir, a.app))).toBe(false);
  });

  it("refuses unknown layouts with what is missing", async () => {
    const root = mkdtempSync(join(tmpdir(), "not-an-app-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const d = deps();
    await expect(patchCodexApp(join(root, "Nope.app"), d)).rejects.toThrow(`Codex Desktop not found at ${join(root, "Nope.app")}.`);
    mkdirSync(join(root, "Empty.app", "Contents"), { recursive: true });
    await expect(patchCodexApp(join(root, "Empty.app"), d)).rejects.toThrow("does not look like Codex Desktop: Contents/Info.plist is missing");
    const a = await synthetic();
    writeFileSync(a.plistPath, "<plist><dict><key>CFBundleShortVersionString</key><string>1.0</string></dict></plist>");
    await expect(patchCodexApp(a.app, d)).rejects.toThrow("has no ElectronAsarIntegrity hash for Resources/app.asar; this is not a Codex Desktop layout codex-shim knows (1.0)");
    const b = await synthetic();
    writeFileSync(b.asarPath, "this is not an archive");
    await expect(patchCodexApp(b.app, d)).rejects.toThrow(`${b.asarPath} is not an asar archive (its header is missing or damaged).`);
  });

  it("refuses while Codex runs from the bundle, after asking it to quit on macOS", async () => {
    const a = await synthetic();
    let quits = 0;
    const d = deps({ platform: "darwin", runningPids: () => [4242], quit: async () => void quits++ });
    const before = bytes(a.asarPath);
    await expect(patchCodexApp(a.app, d)).rejects.toThrow(`Codex Desktop is running from ${a.app} (pid 4242). Quit it, then run codex-shim patch-app again. Nothing was changed.`);
    expect(quits).toBe(1);
    expect(bytes(a.asarPath).equals(before)).toBe(true);
    // it quit in time: patching goes on
    let running = true;
    const d2 = deps({ platform: "darwin", runningPids: () => (running ? [4242] : []), quit: async () => void (running = false) });
    await patchCodexApp(a.app, d2);
    expect(d2.lines[0]).toBe("Quitting Codex Desktop…");
  });

  it("never leaves a half-written app.asar: a failure while building keeps the original and removes the temp files", async () => {
    const a = await synthetic();
    rmSync(`${a.asarPath}.unpacked/node_modules/native/build/addon.node`); // the repack's read fails midway
    const before = bytes(a.asarPath);
    const plist = bytes(a.plistPath);
    await expect(patchCodexApp(a.app, deps())).rejects.toThrow(/^Could not build the patched app\.asar: .*ENOENT.*Nothing was changed in /s);
    expect(bytes(a.asarPath).equals(before)).toBe(true);
    expect(bytes(a.plistPath).equals(plist)).toBe(true);
    expect(readdirSync(join(a.app, "Contents", "Resources")).sort()).toEqual(["app.asar", "app.asar.unpacked"]);
    expect(readdirSync(join(a.app, "Contents")).sort()).toEqual(["Info.plist", "MacOS", "Resources"]);
  });

  it("restore-app: no backup says so; an app.asar it does not know is left alone unless --force", async () => {
    const a = await synthetic();
    const d = deps();
    await restoreCodexApp(a.app, d);
    expect(d.lines).toEqual([`No app.asar backup found at ${join(backupDirFor(d.stateDir, a.app), ASAR_BACKUP)}: patch-app has not changed ${a.app}, so there is nothing to restore.`]);
    const original = bytes(a.asarPath);
    await patchCodexApp(a.app, d);
    writeFileSync(a.asarPath, Buffer.concat([bytes(a.asarPath), Buffer.from("updated")])); // "Desktop was updated"
    await expect(restoreCodexApp(a.app, d)).rejects.toThrow(DesktopError);
    await expect(restoreCodexApp(a.app, d)).rejects.toThrow(/neither the file patch-app wrote nor an original it backed up.*--force --app/);
    await restoreCodexApp(a.app, d, { force: true });
    expect(bytes(a.asarPath).equals(original)).toBe(true);
  });

  it("re-signs with `codesign --force --deep --sign - <bundle>` from PATH; a failing codesign is an error that says what state the app is in", async () => {
    const a = await synthetic();
    const binDir = mkdtempSync(join(tmpdir(), "fake-codesign-"));
    cleanups.push(() => rmSync(binDir, { recursive: true, force: true }));
    const argsFile = join(binDir, "args");
    writeFileSync(join(binDir, "codesign"), `#!/bin/sh\necho "$@" > "${argsFile}"\n[ -n "$FAIL_CODESIGN" ] && { echo "resource fork not allowed" >&2; exit 1; }\nexit 0\n`, { mode: 0o755 });
    const path = process.env.PATH;
    process.env.PATH = `${binDir}:${path}`;
    cleanups.push(() => void (process.env.PATH = path));
    const lines: string[] = [];
    const d = realDesktopDeps({ stateDir: deps().stateDir, out: (l) => void lines.push(l) });
    await patchCodexApp(a.app, d);
    expect(readFileSync(argsFile, "utf8")).toBe(`--force --deep --sign - ${a.app}\n`);
    expect(lines).toContain(`Re-signed ${a.app} (ad-hoc).`);
    process.env.FAIL_CODESIGN = "1";
    cleanups.push(() => void delete process.env.FAIL_CODESIGN);
    await expect(restoreCodexApp(a.app, d)).rejects.toThrow(/failed: resource fork not allowed\nThe original files are back, but macOS may refuse to open the app/);
  });

  it("without --app: macOS-only elsewhere; on macOS /Applications, or a ~/Applications copy when /Applications is not writable", async () => {
    await expect(patchCodexApp(undefined, deps({ platform: "linux" }))).rejects.toThrow(/^patch-app is macOS-only/);
    await expect(restoreCodexApp(undefined, deps({ platform: "win32" }))).rejects.toThrow(/^restore-app is macOS-only/);
    const a = await synthetic();
    const home = mkdtempSync(join(tmpdir(), "home-"));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const { cpSync } = await import("node:fs");
    const d = deps({ platform: "darwin", home, systemApplications: a.root, canWrite: () => false, copyApp: (from, to) => cpSync(from, to, { recursive: true }) });
    const system = bytes(a.asarPath);
    await patchCodexApp(undefined, d);
    const user = join(home, "Applications", "Codex.app");
    expect(d.lines[0]).toBe(`Copied Codex Desktop to ${user} for patching (${join(a.root, "Codex.app")} is not writable).`);
    expect(bytes(a.asarPath).equals(system)).toBe(true);
    expect(bytes(join(user, "Contents", "Resources", "app.asar")).equals(system)).toBe(false);
    expect(patchedUserBundle(d.stateDir, home)).toBe(user); // what /api/switch's restart opens
    const r = deps({ platform: "darwin", home, systemApplications: a.root, stateDir: d.stateDir });
    await restoreCodexApp(undefined, r);
    expect(bytes(join(user, "Contents", "Resources", "app.asar")).equals(system)).toBe(true);
    const w = deps({ platform: "darwin", home: join(home, "nobody"), systemApplications: a.root });
    await patchCodexApp(undefined, w);
    expect(bytes(a.asarPath).equals(system)).toBe(false);
  });
});
