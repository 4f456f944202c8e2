import { afterEach, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSyntheticCodexApp } from "../../test/helpers/synthetic-codex-app.ts";

const bin = fileURLToPath(new URL("../bin.mjs", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function home(): string {
  const h = mkdtempSync(join(tmpdir(), "codex-shim-cli-home-"));
  cleanups.push(() => rmSync(h, { recursive: true, force: true }));
  return h;
}

function shim(h: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, HOME: h, CODEX_SHIM_HOME: join(h, ".codex-shim"), CODEX_HOME: join(h, ".codex") }, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("codex-shim patch-app / restore-app (the real CLI)", () => {
  it("patches, re-runs as a no-op, restores byte for byte, and says when there is no backup", async () => {
    const a = await buildSyntheticCodexApp();
    cleanups.push(a.close);
    const h = home();
    const original = readFileSync(a.asarPath);
    const plist = readFileSync(a.plistPath);

    const none = shim(h, "restore-app", "--app", a.app);
    expect(none.code).toBe(0);
    expect(none.out).toMatch(/^No app\.asar backup found at .*nothing to restore\.\n$/);

    const p = shim(h, "patch-app", "--app", a.app);
    expect(p.err).toBe("");
    expect(p.code).toBe(0);
    expect(p.out).toContain("Patched Codex Desktop model picker allowlist filter");
    expect(p.out).toContain("Patched Codex Desktop shim-mode sidebar provider filter");
    expect(p.out).toContain("codesign was not found");
    expect(readFileSync(a.asarPath).equals(original)).toBe(false);

    const again = shim(h, "patch-app", "--app", a.app);
    expect(again.code).toBe(0);
    expect(again.out.match(/already applied/g)).toHaveLength(2);

    const r = shim(h, "restore-app", "--app", a.app);
    expect(r.code).toBe(0);
    expect(readFileSync(a.asarPath).equals(original)).toBe(true);
    expect(readFileSync(a.plistPath).equals(plist)).toBe(true);
  });

  it("refuses a bundle Codex is running from (found with ps), and an unknown layout; exit 1, nothing written", async () => {
    const a = await buildSyntheticCodexApp();
    cleanups.push(a.close);
    const h = home();
    const original = readFileSync(a.asarPath);
    const child: ChildProcess = spawn(join(a.app, "Contents", "MacOS", "Codex"), [], { stdio: "ignore" });
    cleanups.push(() => child.kill("SIGKILL"));
    await new Promise((r) => setTimeout(r, 300));
    const p = shim(h, "patch-app", "--app", a.app);
    expect(p.code).toBe(1);
    expect(p.err).toMatch(new RegExp(`^codex-shim: Codex Desktop is running from ${a.app.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(pid \\d+\\)\\. Quit it, then run codex-shim patch-app again\\. Nothing was changed\\.\n$`));
    expect(readFileSync(a.asarPath).equals(original)).toBe(true);

    const bogus = join(h, "Bogus.app");
    mkdirSync(join(bogus, "Contents"), { recursive: true });
    const u = shim(h, "patch-app", "--app", bogus);
    expect(u.code).toBe(1);
    expect(u.err).toContain(`codex-shim: ${bogus} does not look like Codex Desktop: Contents/Info.plist is missing`);
  });

  it.skipIf(process.platform === "darwin")("without --app it is macOS-only (exit 1)", () => {
    const h = home();
    for (const cmd of ["patch-app", "restore-app"]) {
      const r = shim(h, cmd);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`codex-shim: ${cmd} is macOS-only`);
      expect(r.err).toContain(`codex-shim ${cmd} --app PATH/Codex.app`);
    }
  });
});
