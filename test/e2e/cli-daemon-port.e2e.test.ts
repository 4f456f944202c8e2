import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../helpers/free-port.ts";
import { freshHome, runShimCli } from "../helpers/run-shim-cli.ts";

/**
 * The port a daemon command acts on (issue 16 item 2) and what "stopped" means (the restart flake:
 * a daemon whose pid is gone can keep its listening socket for a moment; a probe then gets
 * ECONNRESET and was taken for "another program").
 */
const MODELS = { models: [{ model: "m", provider: "generic-chat-completion-api", base_url: "http://127.0.0.1:9/v1" }] };
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const s of stops) await s().catch(() => {});
});

function recordedPort(shimHome: string): number {
  return (JSON.parse(readFileSync(join(shimHome, "daemon.json"), "utf8")) as { port: number }).port;
}

/**
 * A stand-in daemon (its path and `serve` make it look like codex-shim) that answers /health and
 * exits on SIGTERM, while a helper process it started keeps a copy of the listening socket open
 * for `holdMs` more: the kernel-teardown window, made long enough to hit every time.
 */
const FAKE_DAEMON = `
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
const [port, shimHome, holdMs] = process.argv.slice(3);
const srv = createServer((q, r) => { r.setHeader("content-type", "application/json"); r.end(JSON.stringify({ ok: true, status: "ok", version: "0.0.0-fake", models: 0 })); });
srv.listen(Number(port), "127.0.0.1", () => {
  const holder = "const p = process.ppid; setInterval(() => { if (process.ppid !== p) setTimeout(() => process.exit(0), " + holdMs + "); }, 10);";
  spawn(process.execPath, ["-e", holder], { stdio: ["ignore", "ignore", "ignore", srv._handle.fd], detached: true }).unref();
  writeFileSync(shimHome + "/daemon.json", JSON.stringify({ pid: process.pid, port: Number(port), url: "", settingsFile: "", version: "0.0.0-fake", startedAt: "" }));
});
process.on("SIGTERM", () => process.exit(0));
`;

describe("daemon port (real processes)", () => {
  it("restart waits until the stopped daemon's socket is really closed, then starts on the same port", async () => {
    const h = freshHome(MODELS);
    const port = await freePort();
    const dir = join(h.root, "codex-shim-fake", "cli");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "bin.mjs"), FAKE_DAEMON);
    const fake = spawn(process.execPath, [join(dir, "bin.mjs"), "serve", String(port), h.shimHome, "1500"], { stdio: "ignore" });
    stops.push(() => runShimCli(["stop"], h.env));
    for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok).catch(() => false)); i++) await new Promise((r) => setTimeout(r, 30));
    const before = await runShimCli(["--port", String(port), "status"], h.env);
    expect(before.out).toContain(`running on http://127.0.0.1:${port} with pid ${fake.pid}`);

    // --port, as test/e2e/cli-daemon-model.e2e.test.ts does (where this failed now and then)
    const r = await runShimCli(["--port", String(port), "restart"], h.env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`codex-shim restarted on http://127.0.0.1:${port}`);
    expect(recordedPort(h.shimHome)).toBe(port);
    const after = await runShimCli(["status", "--json"], h.env);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, code: "running", state: "running", port });
  }, 60_000);

  it("without --port, restart/status/start stay on the running daemon's port; with --port they act on that port", async () => {
    const h = freshHome(MODELS);
    const [custom, other] = [await freePort(), await freePort()];
    stops.push(() => runShimCli(["stop"], h.env));
    expect((await runShimCli(["--port", String(custom), "start"], h.env)).code).toBe(0);

    const restart = await runShimCli(["restart", "--json"], h.env);
    expect(restart.code, restart.out).toBe(0);
    expect(JSON.parse(restart.stdout)).toMatchObject({ ok: true, code: "restarted", state: "running", previous: "running", port: custom });
    expect(recordedPort(h.shimHome)).toBe(custom);
    expect((await runShimCli(["status"], h.env)).out).toContain(`running on http://127.0.0.1:${custom}`);
    expect((await runShimCli(["start"], h.env)).out).toContain(`already running on http://127.0.0.1:${custom}`);

    const elsewhere = await runShimCli(["--port", String(other), "status"], h.env);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.out).toContain(`not running on port ${other}`);
    expect(elsewhere.out).toContain(`runs on port ${custom}`);
    const second = await runShimCli(["--port", String(other), "start"], h.env);
    expect(second.code).toBe(1);
    expect(second.out).toContain(`already runs on port ${custom}`);
    expect(second.out).toContain(`codex-shim --port ${other} restart`);

    const moved = await runShimCli(["--port", String(other), "restart"], h.env);
    expect(moved.code, moved.out).toBe(0);
    expect(recordedPort(h.shimHome)).toBe(other);
    expect(await fetch(`http://127.0.0.1:${custom}/health`).then(() => true).catch(() => false)).toBe(false);
    expect((await runShimCli(["stop"], h.env)).out).toContain("codex-shim stopped");
  }, 60_000);

  it("after `stop`, `start` comes back on the port the enabled Codex config points at", async () => {
    const h = freshHome(MODELS);
    const custom = await freePort();
    stops.push(() => runShimCli(["stop"], h.env));
    const en = await runShimCli(["--port", String(custom), "enable"], { ...h.env, CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" });
    expect(en.code, en.out).toBe(0);
    expect(readFileSync(join(h.codexHome, "config.toml"), "utf8")).toContain(`base_url = "http://127.0.0.1:${custom}/v1"`);
    expect((await runShimCli(["stop"], h.env)).code).toBe(0);
    const st = await runShimCli(["start"], h.env);
    expect(st.code, st.out).toBe(0);
    expect(st.out).toContain(`started on http://127.0.0.1:${custom}`);
    const re = await runShimCli(["enable"], { ...h.env, CODEX_SHIM_DISABLE_CHATGPT: "1", CODEX_SHIM_DISABLE_CURSOR: "1" });
    expect(re.code, re.out).toBe(0);
    expect(readFileSync(join(h.codexHome, "config.toml"), "utf8")).toContain(`base_url = "http://127.0.0.1:${custom}/v1"`);
  }, 60_000);
});
