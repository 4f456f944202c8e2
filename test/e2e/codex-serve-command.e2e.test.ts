import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startScriptedUpstream, chatTextStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { freePort } from "../helpers/free-port.ts";

// `codex-shim --settings FILE --port N serve`, as a user runs it: a separate process through the
// launcher, then the real Codex CLI through it (issue 2, "Done means").
const BIN = fileURLToPath(new URL("../../cli/bin.mjs", import.meta.url));

interface Run {
  child: ChildProcess;
  out: () => string;
  exit: Promise<number | null>;
}
function serve(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CODEX_SHIM_HOME: mkdtempSync(join(tmpdir(), "shim-home-")) } });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, out: () => out, exit };
}

async function waitHealthy(port: number, run: Run): Promise<void> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    if (run.child.exitCode !== null) throw new Error(`serve exited: ${run.out()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no /health within 15 s: ${run.out()}`);
}

const withTimeout = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), ms))]);

let up: ScriptedUpstream;
let dir: string;
beforeAll(async () => {
  up = await startScriptedUpstream([chatTextStep("served by codex-shim serve")]);
  dir = mkdtempSync(join(tmpdir(), "serve-cmd-"));
});
afterAll(async () => {
  await up.close();
});

describe("codex-shim serve", () => {
  it("serves the real Codex CLI: `--settings FILE --port N serve`", async () => {
    const file = join(dir, "models.json");
    writeFileSync(file, JSON.stringify({ models: [{ model: "up-model", slug: "shim-model", provider: "generic-chat-completion-api", base_url: `${up.url}/v1`, api_key: "sk-serve-test" }] }));
    const port = await freePort();
    const run = serve(["--settings", file, "--port", String(port), "serve"]);
    try {
      await waitHealthy(port, run);
      const catalog = await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json();
      const setup = prepareCodex({ shimUrl: `http://127.0.0.1:${port}`, model: "shim-model", catalog: { models: catalog.models } });
      const codex = await runCodex(setup, ["hello"]);
      expect(codex.code, codex.stderr).toBe(0);
      expect(codex.lastMessage).toBe("served by codex-shim serve");
      expect(run.out()).toContain(`listening on http://127.0.0.1:${port}`);
      expect(run.out()).toMatch(/\[req\] .* model=shim-model route=chat upstream=200 /);
      expect(run.out()).not.toContain("sk-serve-test");
    } finally {
      run.child.kill("SIGTERM");
      await withTimeout(run.exit, 5000);
    }
  });

  it("global options also work after the command name, and no settings file means zero models plus a hint", async () => {
    const port = await freePort();
    const run = serve(["serve", "--port", String(port)]);
    try {
      await waitHealthy(port, run);
      const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
      expect(health).toMatchObject({ ok: true, models: 0 });
      expect(run.out()).toContain("no models configured yet");
    } finally {
      run.child.kill("SIGTERM");
      await withTimeout(run.exit, 5000);
    }
  });

  it("refuses bad settings with the file, field path and what was expected", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ models: [{ model: "m", provider: "openai", base_url: "localhost" }, { model: "n", provider: "nope", base_url: "http://h/v1" }] }));
    const run = serve(["--settings", file, "--port", String(await freePort()), "serve"]);
    expect(await withTimeout(run.exit, 15_000)).toBe(1);
    expect(run.out()).toContain(`${file}: models[0].base_url: expected an http(s) URL, got "localhost"`);
    expect(run.out()).toContain(`${file}: models[1].provider: expected one of`);
  });

  it("says clearly when the port is busy", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = serve(["--port", String(port), "serve"]);
      expect(await withTimeout(run.exit, 15_000)).toBe(1);
      expect(run.out()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
