import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Issue 16 item 9: on a system Node older than the runtime (the README says the system Node does
 * not matter), `npm install` and `npx codex-shim` print no EBADENGINE warnings. Needs such a Node
 * with its npm on PATH (outside node_modules); skipped where there is none. .ci/run puts only
 * node_modules/.bin first on PATH, so on the project's CI image (system Node 20) this runs; on an
 * image whose system Node is 22.19 or newer the warnings cannot arise and it shows as skipped.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function oldSystemNode(): { dir: string } | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes("node_modules")) continue;
    const node = join(dir, "node");
    if (!existsSync(node) || !existsSync(join(dir, "npm"))) continue;
    try {
      const [maj, min] = execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim().split(".").map(Number);
      if (maj < 22 || (maj === 22 && min < 19)) return { dir };
    } catch {}
  }
  return null;
}

const old = oldSystemNode();

describe.skipIf(!old)("install on an older system Node", () => {
  const env = { ...process.env, PATH: [old?.dir, ...(process.env.PATH ?? "").split(delimiter).filter((d) => !d.includes("node_modules"))].join(delimiter) };

  it("npm install (from the lockfile) prints no engine warnings", () => {
    const dir = mkdtempSync(join(tmpdir(), "codex-shim-install-"));
    for (const f of ["package.json", "package-lock.json", ".npmrc"]) copyFileSync(join(ROOT, f), join(dir, f));
    const r = spawnSync(join(old!.dir, "npm"), ["install", "--dry-run", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, env, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/EBADENGINE|npm warn/);
    expect(r.stdout).toMatch(/added \d+ packages/);
  });

  it("npx codex-shim prints no engine warnings", () => {
    const r = spawnSync(join(old!.dir, "npx"), ["codex-shim", "--version"], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/EBADENGINE|npm warn/);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
