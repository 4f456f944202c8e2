import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../cli/bin.mjs", import.meta.url));

/** A Node older than 22.19 on this machine (the system one), if any. */
function oldNode(): string | undefined {
  const out = spawnSync("bash", ["-lc", "which -a node"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const n of out) {
    const v = spawnSync(n, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
    const [M, m] = v.split(".").map(Number);
    if (M < 22 || (M === 22 && m < 19)) return n;
  }
  return undefined;
}

describe("cli/bin.mjs launcher", () => {
  it("runs the CLI on the current Node", () => {
    const out = execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  const old = oldNode();
  it.skipIf(!old)("re-runs itself on the bundled Node 24 when the system Node is too old, passing the exit code through", () => {
    const ok = spawnSync(old!, [bin, "--version"], { encoding: "utf8" });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = spawnSync(old!, [bin, "no-such-command"], { encoding: "utf8" });
    expect(bad.status).not.toBe(0);
  });
});
