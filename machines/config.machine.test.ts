import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createActor, toPromise } from "xstate";
import { getSimplePaths } from "@xstate/graph";
import { configMachine, fsConfigDeps, type ConfigAction, type ConfigDeps, type ConfigResult } from "./config.machine.ts";
import { shimProviderTable, type ShimCodexSettings } from "../adapters/codex-config/provider-values.ts";
import { TOP_BEGIN } from "../adapters/codex-config/managed-config.ts";

const settings: ShimCodexSettings = { model: "m1", catalogPath: "/tmp/catalog.json", provider: shimProviderTable(8765) };
const enable: ConfigAction = { kind: "enable", settings };
const disable: ConfigAction = { kind: "disable" };

function tempConfig(text?: string) {
  const dir = mkdtempSync(join(tmpdir(), "codex-shim-config-"));
  const file = join(dir, "config.toml");
  if (text !== undefined) writeFileSync(file, text);
  return { dir, file, backups: join(dir, "backups") };
}

async function run(file: string, action: ConfigAction, deps: ConfigDeps): Promise<ConfigResult> {
  const a = createActor(configMachine, { input: { file, action, deps } });
  a.start();
  return toPromise(a);
}

const USER_CONFIG = [
  "# personal settings",
  'model = "gpt-5.5"',
  'model_provider = "openai"',
  "",
  "[profiles.fast]",
  'model = "gpt-5.4-mini"',
  "",
  "[mcp_servers.fs]",
  'command = "npx"',
  'args = ["-y", "@modelcontextprotocol/server-filesystem", "/home/u"]',
].join("\r\n"); // CRLF and no trailing newline

describe("config machine on real files", () => {
  it("enable → enable → disable restores the file byte for byte, with a backup of the original", async () => {
    const t = tempConfig(USER_CONFIG);
    const deps = fsConfigDeps(t.backups);
    const r1 = await run(t.file, enable, deps);
    expect(r1).toMatchObject({ ok: true, outcome: "written" });
    expect(readFileSync(r1.backup!, "utf8")).toBe(USER_CONFIG);
    const enabled = readFileSync(t.file, "utf8");
    expect(enabled.startsWith(TOP_BEGIN)).toBe(true);
    expect(await run(t.file, enable, deps)).toMatchObject({ ok: true, outcome: "unchanged" });
    expect(readFileSync(t.file, "utf8")).toBe(enabled);
    expect(await run(t.file, disable, deps)).toMatchObject({ ok: true, outcome: "written" });
    expect(readFileSync(t.file, "utf8")).toBe(USER_CONFIG);
    expect(await run(t.file, disable, deps)).toMatchObject({ ok: true, outcome: "unchanged" });
  });

  it("creates a missing config on enable and deletes it again on disable", async () => {
    const t = tempConfig();
    const deps = fsConfigDeps(t.backups);
    expect(await run(t.file, enable, deps)).toMatchObject({ ok: true, outcome: "written", backup: null });
    expect(existsSync(t.file)).toBe(true);
    expect(await run(t.file, disable, deps)).toMatchObject({ ok: true, outcome: "removed-file" });
    expect(existsSync(t.file)).toBe(false);
    expect(await run(t.file, disable, deps)).toMatchObject({ ok: true, outcome: "not-installed" });
  });

  it("leaves a config that does not parse untouched, naming the file and the line", async () => {
    const bad = 'model = "x"\nmodel = "y"\n';
    const t = tempConfig(bad);
    const r = await run(t.file, enable, fsConfigDeps(t.backups));
    expect(r.ok).toBe(false);
    expect(r.stage).toBe("planning");
    expect(r.error).toContain(`${t.file} is not valid TOML`);
    expect(r.error).toContain("2:  model");
    expect(readFileSync(t.file, "utf8")).toBe(bad);
    expect(existsSync(t.backups)).toBe(false);
  });

  it("refuses a managed block whose end marker was deleted", async () => {
    const broken = `${TOP_BEGIN}\nmodel = "x"\n[tui]\n`;
    const t = tempConfig(broken);
    const r = await run(t.file, disable, fsConfigDeps(t.backups));
    expect(r).toMatchObject({ ok: false, stage: "planning" });
    expect(r.error).toMatch(/never closed/);
    expect(readFileSync(t.file, "utf8")).toBe(broken);
  });

  it("writes through a symlinked config.toml and keeps the link", async () => {
    const t = tempConfig();
    const real = join(t.dir, "dotfiles-config.toml");
    writeFileSync(real, 'approval_policy = "never"\n');
    symlinkSync(real, t.file);
    const deps = fsConfigDeps(t.backups);
    expect((await run(t.file, enable, deps)).ok).toBe(true);
    expect(lstatSync(t.file).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toContain("codex_shim");
    await run(t.file, disable, deps);
    expect(readFileSync(real, "utf8")).toBe('approval_policy = "never"\n');
  });

  it("a failed write leaves the original in place and no temp file behind", async () => {
    // a name so long that the temp file beside it cannot be created (ENAMETOOLONG), even as root
    const dir = mkdtempSync(join(tmpdir(), "codex-shim-config-"));
    const file = join(dir, `${"c".repeat(236)}.toml`);
    writeFileSync(file, 'approval_policy = "never"\n');
    const r = await run(file, enable, fsConfigDeps(join(dir, "backups")));
    expect(r).toMatchObject({ ok: false, stage: "writing" });
    expect(r.error).toMatch(/ENAMETOOLONG/);
    expect(readFileSync(file, "utf8")).toBe('approval_policy = "never"\n');
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("config machine: every path (@xstate/graph)", () => {
  type Ev = { type: string; output?: unknown; error?: unknown };
  const paths = getSimplePaths(configMachine, {
    input: { file: "/x/config.toml", action: enable, deps: {} as ConfigDeps },
    events: ((s: any): Ev[] => {
      const d = (id: string, output?: unknown) => ({ type: `xstate.done.actor.${id}`, output });
      const e = (id: string) => ({ type: `xstate.error.actor.${id}`, error: new Error(`${id} failed`) });
      if (s.matches("reading")) return [d("read", "a = 1\n"), d("read", null), e("read")];
      if (s.matches("planning")) return [d("plan", { next: "new", changed: true }), d("plan", { next: "same", changed: false }), e("plan")];
      if (s.matches("backingUp")) return [d("backup", "/b/config.toml.bak"), e("backup")];
      if (s.matches("writing")) return [d("write"), e("write")];
      if (s.matches("confirming")) return [d("confirm"), e("confirm")];
      return [];
    }) as never,
    serializeState: (s) => JSON.stringify({ v: s.value, file: s.context.current !== null, changed: s.context.plan?.changed }),
    toState: (s) => s.status === "done",
  });

  it("covers success, no-op and a failure at every stage", () => {
    const stages = new Set(paths.map((p) => (p.state.context as any).result?.stage ?? (p.state.context as any).result?.outcome));
    expect(stages).toEqual(new Set(["reading", "planning", "backingUp", "writing", "confirming", "written", "unchanged", "not-installed"]));
  });

  for (const p of paths) {
    const events = p.steps.map((s) => s.event as Ev).filter((e) => e.type !== "xstate.init");
    it(events.map((e) => e.type.replace("xstate.", "").replace(".actor", "")).join(" → "), async () => {
      // drive the real machine with the real plan step, using file contents chosen to produce the path
      const readOut = events.find((e) => e.type === "xstate.done.actor.read");
      const planEv = events.find((e) => e.type.endsWith("actor.plan"));
      const changed = (planEv?.output as any)?.changed;
      const original = readOut?.output === null ? null : "a = 1\n";
      const calls: string[] = [];
      let stored = original;
      const failing = events.find((e) => e.type.startsWith("xstate.error"))?.type.replace("xstate.error.actor.", "");
      const deps: ConfigDeps = {
        read: async () => {
          calls.push("read");
          if (failing === "read") throw new Error("EACCES");
          if (failing === "confirm" && calls.filter((c) => c === "read").length > 1) return "someone else's edit";
          return stored;
        },
        backup: async () => {
          calls.push("backup");
          if (failing === "backup") throw new Error("ENOSPC");
          return "/b/config.toml.bak";
        },
        write: async (_f, text) => {
          calls.push("write");
          if (failing === "write") throw new Error("EROFS");
          stored = text;
        },
        remove: async () => {
          calls.push("remove");
          stored = null;
        },
      };
      const action: ConfigAction = failing === "plan" ? { kind: "enable", settings } : changed === false ? { kind: "disable" } : enable;
      const file = "/x/config.toml";
      if (failing === "plan") stored = 'a = 1\na = 2\n';
      const a = createActor(configMachine, { input: { file, action, deps } });
      a.start();
      const r = await toPromise(a);
      expect(a.getSnapshot().value).toEqual(p.state.value);
      expect(r.ok).toBe(p.state.value === "done");
      const expectedCalls = events
        .filter((e) => /actor\.(read|backup|write|confirm)$/.test(e.type))
        .map((e) => e.type.replace(/^xstate\.(done|error)\.actor\./, "").replace("confirm", "read"));
      expect(calls).toEqual(expectedCalls);
    });
  }
});
