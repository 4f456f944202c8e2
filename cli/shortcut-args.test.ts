import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { codexAppArgs, codexModelArgs } from "./shortcut-args.mjs";

const bin = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

describe("shortcut bins' arguments", () => {
  it("codex-model maps to model list / model use and passes options on", () => {
    expect(codexModelArgs([])).toEqual({ args: ["model", "list"] });
    expect(codexModelArgs(["list", "--json"])).toEqual({ args: ["model", "list", "--json"] });
    expect(codexModelArgs(["sonnet"])).toEqual({ args: ["model", "use", "sonnet"] });
    expect(codexModelArgs(["--port", "9000", "sonnet", "--settings", "m.json"])).toEqual({ args: ["model", "use", "sonnet", "--port", "9000", "--settings", "m.json"] });
    expect(codexModelArgs(["a", "b"])).toMatchObject({ exit: 2, err: expect.stringContaining("expected one model slug, got 2: a b") });
    expect(codexModelArgs(["--port"])).toMatchObject({ exit: 2, err: expect.stringContaining("--port needs a value") });
    expect(codexModelArgs(["-h"])).toMatchObject({ exit: 0, out: expect.stringContaining("Usage: codex-model") });
    expect(codexAppArgs(["-m", "x", "~/src"])).toEqual(["app", "-m", "x", "~/src"]);
  });

  it("the bins run the CLI (no shell script, so they work on Windows too)", () => {
    const dir = mkdtempSync(join(tmpdir(), "codex-shortcuts-"));
    try {
      const settings = join(dir, "models.json");
      writeFileSync(settings, JSON.stringify({ models: [{ slug: "local-qwen", model: "qwen", provider: "ollama" }] }));
      const env = { ...process.env, HOME: dir, CODEX_SHIM_HOME: join(dir, "shim"), CODEX_HOME: join(dir, "codex"), CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" };
      const list = spawnSync(process.execPath, [bin("codex-model.mjs"), "list", "--settings", settings], { encoding: "utf8", env });
      expect(list.stderr).toBe("");
      expect(list.status).toBe(0);
      expect(list.stdout).toMatch(/^ {2}local-qwen {2}/);
      const bad = spawnSync(process.execPath, [bin("codex-model.mjs"), "no-such-model", "--settings", settings], { encoding: "utf8", env });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain("Unknown model 'no-such-model'");
      const app = spawnSync(process.execPath, [bin("codex-app.mjs"), "--help"], { encoding: "utf8", env });
      expect(app.status).toBe(0);
      expect(app.stdout).toContain("codex-shim app");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
