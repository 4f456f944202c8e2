import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { browserOpener } from "./picker-command.ts";
import { freePort } from "../../test/helpers/free-port.ts";

const bin = fileURLToPath(new URL("../bin.mjs", import.meta.url));

describe("codex-shim picker", () => {
  it("opens the URL with the platform's opener, or none without a desktop session", () => {
    const find = () => "/usr/bin/xdg-open";
    expect(browserOpener("darwin", {})?.args("http://127.0.0.1:1/picker")).toEqual(["http://127.0.0.1:1/picker"]);
    expect(browserOpener("win32", {})).toMatchObject({ file: "rundll32" });
    expect(browserOpener("win32", {})?.args("u")).toEqual(["url.dll,FileProtocolHandler", "u"]);
    expect(browserOpener("linux", {}, find)).toBeNull();
    expect(browserOpener("linux", { DISPLAY: ":0" }, find)).toMatchObject({ file: "/usr/bin/xdg-open" });
    expect(browserOpener("linux", { WAYLAND_DISPLAY: "w" }, () => null)).toBeNull();
  });

  it("starts the daemon when needed and prints the page's URL, which serves the picker", async () => {
    const dir = mkdtempSync(join(tmpdir(), "codex-shim-picker-cmd-"));
    const port = await freePort();
    const env = { ...process.env, HOME: dir, CODEX_SHIM_HOME: join(dir, "shim"), CODEX_HOME: join(dir, "codex"), CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1", DISPLAY: "" , WAYLAND_DISPLAY: "" };
    const settings = join(dir, "models.json");
    writeFileSync(settings, JSON.stringify({ models: [{ slug: "local-qwen", model: "qwen", provider: "ollama" }] }));
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, "--settings", settings, "--port", String(port), ...args], { encoding: "utf8", env, timeout: 30_000 });
    try {
      const r = run("picker");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`codex-shim started on http://127.0.0.1:${port}`);
      expect(r.stdout).toContain(`Model picker: http://127.0.0.1:${port}/picker\nNo desktop browser to open here: open the URL above in your browser.\n`);
      const page = await fetch(`http://127.0.0.1:${port}/picker`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Choose the model Codex uses");
      const again = run("picker", "--no-open");
      expect(again.stdout).toBe(`Model picker: http://127.0.0.1:${port}/picker\n`);
    } finally {
      run("stop");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
