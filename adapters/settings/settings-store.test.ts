import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SettingsStore } from "./settings-store.ts";
import { SettingsError } from "./parse-settings.ts";

const row = (model: string) => ({ model, provider: "openai", base_url: "http://h/v1" });
let stores: SettingsStore[] = [];
afterEach(() => {
  stores.forEach((s) => s.close());
  stores = [];
});

function tmpFile(content?: unknown): string {
  const f = join(mkdtempSync(join(tmpdir(), "settings-")), "models.json");
  if (content !== undefined) writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
  return f;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("SettingsStore", () => {
  it("treats a missing default file as zero models", () => {
    const s = new SettingsStore({ file: tmpFile(), required: false });
    stores.push(s);
    expect(s.current.models).toEqual([]);
  });

  it("fails clearly on a missing --settings file", () => {
    expect(() => new SettingsStore({ file: "/nonexistent/models.json", required: true })).toThrow(/Settings file not found: \/nonexistent\/models.json/);
  });

  it("reports invalid JSON with the file name", () => {
    expect(() => new SettingsStore({ file: tmpFile("{ nope"), required: true })).toThrow(SettingsError);
    expect(() => new SettingsStore({ file: tmpFile("{ nope"), required: true })).toThrow(/Settings file is not valid JSON: .*models.json/);
  });

  it("accepts comments and trailing commas", () => {
    const s = new SettingsStore({ file: tmpFile('// mine\n{"models": [{"model":"a","provider":"openai","base_url":"http://h/v1",},],}'), required: true });
    stores.push(s);
    expect(s.current.models).toHaveLength(1);
  });

  it("reloads on change, keeps the last good settings on a broken edit, and hands old snapshots to in-flight users", async () => {
    const f = tmpFile({ models: [row("a")] });
    const logs: string[] = [];
    const s = new SettingsStore({ file: f, required: true, log: (l) => logs.push(l) });
    stores.push(s);
    s.watch();
    const inFlight = s.current;
    // atomic replace, as editors do
    writeFileSync(`${f}.tmp`, JSON.stringify({ models: [row("a"), row("b")] }));
    renameSync(`${f}.tmp`, f);
    await until(() => s.current.models.length === 2);
    expect(inFlight.models).toHaveLength(1);
    writeFileSync(f, JSON.stringify({ models: [{ model: "c", provider: "openai", base_url: "nope" }] }));
    await until(() => s.lastError !== null);
    expect(s.current.models.map((m) => m.slug)).toEqual(["a", "b"]);
    expect(logs.join("\n")).toContain('base_url: expected an http(s) URL, got "nope"');
    writeFileSync(f, JSON.stringify({ models: [row("z")] }));
    await until(() => s.current.models[0]?.slug === "z");
    expect(s.lastError).toBeNull();
  });

  it("picks up a settings file created after start in a state dir that did not exist yet", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "settings-")), "not-yet", ".codex-shim");
    const f = join(dir, "models.json");
    const s = new SettingsStore({ file: f, required: false });
    stores.push(s);
    expect(s.current.models).toEqual([]);
    s.watch();
    writeFileSync(f, JSON.stringify({ models: [row("late")] }));
    await until(() => s.current.models[0]?.slug === "late");
  });

  it("does not re-read the file per access", () => {
    const f = tmpFile({ models: [row("a")] });
    const s = new SettingsStore({ file: f, required: true });
    stores.push(s);
    writeFileSync(f, JSON.stringify({ models: [] }));
    expect(s.current.models).toHaveLength(1); // no watch: unchanged until reload
    s.reload();
    expect(s.current.models).toHaveLength(0);
  });

  it("an edit that leaves the file empty, truncated or unparsable keeps the last good settings and says so", () => {
    const f = tmpFile({ models: [row("a"), row("b")] });
    const logs: string[] = [];
    const s = new SettingsStore({ file: f, required: false, log: (l) => logs.push(l) });
    stores.push(s);
    for (const broken of ["", "  \n", '{"models":[{"model":"a","provider":"openai","base_url":"http://h/v1"},{"mod', "{"]) {
      writeFileSync(f, broken);
      expect(s.reload(), JSON.stringify(broken)).toBe(false);
      expect(s.current.models.map((m) => m.slug)).toEqual(["a", "b"]);
      expect(s.lastError).not.toBeNull();
    }
    expect(logs.join("\n")).toContain("the file is empty");
    expect(logs.filter((l) => l.includes("reloaded"))).toEqual([]);
    writeFileSync(f, JSON.stringify({ models: [] }));
    expect(s.reload()).toBe(true);
    expect(s.current.models).toEqual([]);
  });
});
