import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const LAUNCH = fileURLToPath(new URL("./launch.mjs", import.meta.url));

/** enableProjectCompileCache() in a fresh process (the compile cache is per process), with `env`. */
function cacheDirWith(env: Record<string, string | undefined>): string | null {
  const script = `const { enableProjectCompileCache } = await import(${JSON.stringify(LAUNCH)}); process.stdout.write(JSON.stringify((await enableProjectCompileCache()) ?? null));`;
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: childEnv })) as string | null;
}

describe("enableProjectCompileCache", () => {
  it("keeps the cache in the project's node_modules/.cache by default", () => {
    expect(cacheDirWith({ NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined })).toBe(fileURLToPath(new URL("../node_modules/.cache/codex-shim-compile", import.meta.url)));
  });

  it("uses NODE_COMPILE_CACHE when it is set", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "codex-shim-cc-")), "cache");
    // (Node itself enables it from the variable at start-up; the directory it reports is per Node version)
    expect(cacheDirWith({ NODE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: undefined })?.startsWith(dir)).toBe(true);
  });

  it("is off with NODE_DISABLE_COMPILE_CACHE=1", () => {
    expect(cacheDirWith({ NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: "1" })).toBeNull();
  });
});
