import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startScriptedUpstream, chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { CODEX_LAUNCHER } from "../helpers/run-codex.ts";
import { freePort } from "../helpers/free-port.ts";

const BIN = fileURLToPath(new URL("../../cli/bin.mjs", import.meta.url));
const NODE_BIN_DIR = fileURLToPath(new URL("../../node_modules/.bin", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const st = readFileSync(`/proc/${pid}/stat`, "utf8");
    return st.slice(st.lastIndexOf(")") + 2, st.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

// The user's own Codex config: comments, a profile, an MCP server table, CRLF, no trailing newline.
const USER_CONFIG = [
  "# my Codex settings",
  'model = "gpt-5.5"',
  'model_provider = "openai"',
  'approval_policy = "never"',
  'sandbox_mode = "danger-full-access"',
  'web_search = "disabled"',
  "",
  "[features]",
  "goals = false",
  "",
  "[agents]",
  "enabled = false",
  "",
  "[profiles.fast]",
  'model = "gpt-5.4-mini"',
  "",
  "[projects.\"/tmp\"]",
  'trust_level = "trusted"',
].join("\r\n");

let up: ScriptedUpstream;
let root: string;
let env: NodeJS.ProcessEnv;
let work: string;
let port: number;
let configFile: string;

const cli = (args: string[], timeoutMs?: number) => run(process.execPath, [BIN, "--port", String(port), ...args], env, work, timeoutMs);

beforeAll(async () => {
  up = await startScriptedUpstream([chatTextStep("Hello from the shim.")]);
  root = mkdtempSync(join(tmpdir(), "codex-shim-cli-e2e-"));
  const home = join(root, "home");
  const codexHome = join(root, "codex-home");
  const shimHome = join(root, "shim-home");
  work = join(root, "work");
  for (const d of [home, codexHome, shimHome, work]) mkdirSync(d, { recursive: true });
  writeFileSync(
    join(shimHome, "models.json"),
    JSON.stringify({ models: [{ model: "up-model", slug: "shim-model", display_name: "Shim Model", provider: "openai", base_url: `${up.url}/v1`, api_key: "sk-e2e-secret-key" }] }),
  );
  configFile = join(codexHome, "config.toml");
  writeFileSync(configFile, USER_CONFIG);
  port = await freePort();
  env = {
    PATH: `${NODE_BIN_DIR}${delimiter}${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
    HOME: home,
    CODEX_HOME: codexHome,
    CODEX_SHIM_HOME: shimHome,
    RUST_LOG: "error",
  };
});

afterAll(async () => {
  await cli(["stop"]).catch(() => {});
  await up.close();
});

describe("codex-shim CLI end to end with the real Codex CLI", () => {
  let pid = 0;

  it("generate writes a catalog Codex can load, without secrets", async () => {
    const r = await cli(["generate"]);
    expect(r.code, r.stderr).toBe(0);
    const catalog = readFileSync(join(env.CODEX_SHIM_HOME!, "custom_model_catalog.json"), "utf8");
    expect(JSON.parse(catalog).models.map((m: { slug: string }) => m.slug)).toEqual(["shim-model"]);
    expect(catalog + readFileSync(join(env.CODEX_SHIM_HOME!, "config.toml"), "utf8")).not.toContain("sk-e2e-secret-key");
    expect(readFileSync(configFile, "utf8")).toBe(USER_CONFIG);
  });

  it("start runs the daemon in the background", async () => {
    const r = await cli(["start"]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`started on http://127.0.0.1:${port}`);
    pid = JSON.parse(readFileSync(join(env.CODEX_SHIM_HOME!, "daemon.json"), "utf8")).pid;
    expect(alive(pid)).toBe(true);
    const again = await cli(["status"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`pid ${pid}`);
  });

  it("`codex-shim codex -- exec` runs the real Codex through the daemon, loading the catalog", async () => {
    const before = up.requests.length;
    const r = await cli(["codex", "--", "exec", "--skip-git-repo-check", "--ephemeral", "--json", "say hello"], 120_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Hello from the shim.");
    expect(r.stdout + r.stderr).not.toContain("fallback metadata"); // Codex reports it as an "error" item on stdout
    expect(up.requests.length).toBe(before + 1);
    expect(up.requests.at(-1)!.body.model).toBe("up-model");
    // no config file was written
    expect(readFileSync(configFile, "utf8")).toBe(USER_CONFIG);
  });

  it("passes Codex's exit code through", async () => {
    const r = await cli(["codex", "--", "exec", "--no-such-flag"]);
    expect(r.code).toBe(2);
  });

  it("enable makes plain `codex exec` use the shim; disable restores config.toml byte for byte and stops the daemon", async () => {
    const e = await cli(["enable"]);
    expect(e.code, e.stderr).toBe(0);
    expect(readFileSync(configFile, "utf8")).not.toBe(USER_CONFIG);
    const before = up.requests.length;
    const c = await run(process.execPath, [CODEX_LAUNCHER, "exec", "--strict-config", "--skip-git-repo-check", "--ephemeral", "--json", "hi again"], { ...env, NO_PROXY: "127.0.0.1,localhost,::1" }, work, 120_000);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain("Hello from the shim.");
    expect(c.stdout + c.stderr).not.toContain("fallback metadata");
    expect(up.requests.length).toBe(before + 1);

    const d = await cli(["disable"]);
    expect(d.code, d.stderr).toBe(0);
    expect(readFileSync(configFile, "utf8")).toBe(USER_CONFIG);
    expect(d.stdout).toContain("stopped");
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(env.CODEX_SHIM_HOME!, "daemon.json"))).toBe(false);
    const s = await cli(["status"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("stopped");
  });

  it("doctor on a broken setup names each problem and exits 1, without printing the key", async () => {
    writeFileSync(join(env.CODEX_SHIM_HOME!, "daemon.json"), JSON.stringify({ pid: 999_999, port, url: "", settingsFile: "", version: "", startedAt: "" }));
    writeFileSync(join(env.CODEX_SHIM_HOME!, "custom_model_catalog.json"), "{ not json");
    writeFileSync(configFile, '# >>> codex-shim managed (top) >>>\nmodel = "shim-model"\n[tui]\n');
    const r = await run(process.execPath, [BIN, "--port", String(port), "doctor"], { ...env, HTTPS_PROXY: "http://proxy.invalid:3128" }, work);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+catalog is not valid/);
    expect(r.stdout).toMatch(/WARN\s+stale pid file: pid 999999/);
    expect(r.stdout).toMatch(/FAIL\s+managed block is damaged/);
    expect(r.stdout).toMatch(/WARN\s+a proxy is set but NO_PROXY/);
    expect(r.stdout).not.toContain("sk-e2e-secret-key");
    writeFileSync(join(env.CODEX_SHIM_HOME!, "models.json"), "{ broken");
    const r2 = await run(process.execPath, [BIN, "doctor"], env, work);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toMatch(/FAIL\s+settings file has problems/);
  });
});
