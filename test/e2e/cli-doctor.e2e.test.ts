import { afterAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { freePort } from "../helpers/free-port.ts";
import { freshHome, runShimCli, type CliRun } from "../helpers/run-shim-cli.ts";

/**
 * `doctor` on setups where Codex and the shim cannot talk (issue 16 item 1): each one must be a
 * FAIL and exit 1, and a working setup must pass. Real daemons, real files, a fresh HOME.
 */
const stops: (() => Promise<unknown>)[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const s of stops) await s().catch(() => {});
  for (const s of servers) s.close();
});

const SECRET = "sk-ant-doctor-test-secret-1234567890";
const NO_PASSTHROUGH = { CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" };

function fails(r: CliRun): string[] {
  return r.stdout.split("\n").filter((l) => l.trimStart().startsWith("FAIL"));
}

async function listening(): Promise<number> {
  const s = createServer((c) => c.end());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as { port: number }).port;
}

async function setup(models: unknown[], extraEnv: NodeJS.ProcessEnv = {}) {
  const h = freshHome({ models });
  const port = await freePort();
  const env = { ...h.env, ...NO_PASSTHROUGH, ...extraEnv };
  stops.push(() => runShimCli(["stop"], env));
  return { ...h, port, env };
}

describe("doctor fails every broken link between Codex and the shim", () => {
  it("passes a working setup: enabled, running, local upstream up", async () => {
    const up = await listening();
    const s = await setup([{ model: "qwen", provider: "ollama", base_url: `http://127.0.0.1:${up}/v1` }]);
    expect((await runShimCli(["--port", String(s.port), "enable"], s.env)).code).toBe(0);
    const r = await runShimCli(["doctor"], s.env);
    expect(fails(r), r.stdout).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`model qwen: http://127.0.0.1:${up}/v1 accepts connections`);
    expect(r.stdout).toContain("the running shim serves the active model qwen");
  });

  it("enabled but the daemon is stopped", async () => {
    const up = await listening();
    const s = await setup([{ model: "qwen", provider: "ollama", base_url: `http://127.0.0.1:${up}/v1` }]);
    expect((await runShimCli(["--port", String(s.port), "enable"], s.env)).code).toBe(0);
    expect((await runShimCli(["stop"], s.env)).code).toBe(0);
    const r = await runShimCli(["doctor"], s.env);
    expect(r.code).toBe(1);
    expect(fails(r).join("\n")).toContain(`Codex is set to use the shim at http://127.0.0.1:${s.port}/v1, but nothing listens there`);
  });

  it("the model's local upstream refuses connections", async () => {
    const dead = await freePort();
    const s = await setup([{ model: "qwen", provider: "ollama", base_url: `http://127.0.0.1:${dead}/v1` }]);
    const r = await runShimCli(["doctor"], s.env);
    expect(r.code).toBe(1);
    expect(fails(r).join("\n")).toContain(`model qwen: http://127.0.0.1:${dead}/v1 is not reachable (connection refused)`);
  });

  it("config.toml sets a legacy `profile`, which Codex refuses", async () => {
    const up = await listening();
    const s = await setup([{ model: "qwen", provider: "ollama", base_url: `http://127.0.0.1:${up}/v1` }]);
    writeFileSync(join(s.codexHome, "config.toml"), 'profile = "work"\n\n[profiles.work]\nmodel = "gpt-5.5"\n');
    const r = await runShimCli(["doctor"], s.env);
    expect(r.code).toBe(1);
    expect(fails(r).join("\n")).toContain('sets `profile = "work"`: Codex refuses to start with it');
  });

  it("a key exported after the daemon started: restart the shim to pick it up", async () => {
    const s = await setup([{ model: "claude-sonnet-4-5", provider: "anthropic", base_url: "https://api.anthropic.com", api_key_env: "ANTHROPIC_API_KEY" }, { model: "qwen", provider: "ollama", base_url: `http://127.0.0.1:${await listening()}/v1` }]);
    expect((await runShimCli(["--port", String(s.port), "start"], s.env)).code).toBe(0);
    const withKey = { ...s.env, ANTHROPIC_API_KEY: SECRET };
    const use = await runShimCli(["model", "use", "sonnet"], withKey);
    expect(use.code).toBe(1);
    expect(use.stderr).toContain("Restart it to pick up ANTHROPIC_API_KEY");
    const r = await runShimCli(["doctor"], withKey);
    expect(r.code).toBe(1);
    expect(fails(r).join("\n")).toContain("restart the shim to pick up ANTHROPIC_API_KEY");
    expect(r.out + use.out).not.toContain(SECRET);
    const json = await runShimCli(["doctor", "--json"], withKey);
    expect(json.stdout).not.toContain(SECRET);
    expect(JSON.parse(json.stdout).ok).toBe(false);
  });
});
