import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMachine } from "xstate";
import { createTestModel } from "@xstate/graph";
import { freePort } from "../helpers/free-port.ts";
import { runShimCli, type CliRun } from "../helpers/run-shim-cli.ts";

/**
 * Model-based test of the real daemon lifecycle (stack.md §4b): an abstract machine of what the
 * user can observe, whose paths drive the real `codex-shim` CLI, real detached daemons, a real
 * port and real crashes. Every state is checked with `codex-shim status` and a raw /health probe.
 */
const lifecycle = createMachine({
  id: "lifecycle",
  initial: "stopped",
  states: {
    stopped: { on: { START: "running", STOP: "stopped", OCCUPY_PORT: "foreign" } },
    running: { on: { START: "running", STOP: "stopped", RESTART: "running", CRASH: "stale" } },
    stale: { on: { START: "running", STOP: "stopped" } },
    foreign: { on: { START: "foreign", RELEASE_PORT: "stopped" } },
  },
});

function cli(env: NodeJS.ProcessEnv, port: number, args: string[]): Promise<CliRun> {
  return runShimCli(["--port", String(port), ...args], env);
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c().catch(() => {});
});

describe("daemon lifecycle model (real processes)", () => {
  const model = createTestModel(lifecycle);
  const paths = model.getShortestPaths().concat(model.getSimplePaths().filter((p) => p.steps.length >= 4).slice(0, 2));
  for (const path of paths) {
    it(path.description, async () => {
      const root = mkdtempSync(join(tmpdir(), "codex-shim-daemon-model-"));
      const shimHome = join(root, "shim");
      mkdirSync(shimHome);
      writeFileSync(join(shimHome, "models.json"), JSON.stringify({ models: [{ model: "m", provider: "generic-chat-completion-api", base_url: "http://127.0.0.1:9/v1" }] }));
      const env = { PATH: process.env.PATH, HOME: root, CODEX_HOME: join(root, "codex"), CODEX_SHIM_HOME: shimHome };
      const port = await freePort();
      let squatter: Server | null = null;
      cleanups.push(() => cli(env, port, ["stop"]));
      const health = () =>
        fetch(`http://127.0.0.1:${port}/health`)
          .then(async (r) => ((await r.json().catch(() => ({}))) as { status?: string }).status === "ok")
          .catch(() => false);
      const pid = () => (JSON.parse(readFileSync(join(shimHome, "daemon.json"), "utf8")) as { pid: number }).pid;
      await path.test({
        events: {
          START: async () => {
            await cli(env, port, ["start"]);
          },
          STOP: async () => {
            const r = await cli(env, port, ["stop"]);
            expect(r.code, r.out).toBe(0);
          },
          RESTART: async () => {
            const before = pid();
            const r = await cli(env, port, ["restart"]);
            expect(r.code, r.out).toBe(0);
            expect(pid()).not.toBe(before);
          },
          CRASH: async () => {
            const p = pid();
            process.kill(p, "SIGKILL");
            for (let i = 0; i < 100; i++) {
              if (!(await health())) break;
              await new Promise((r) => setTimeout(r, 20));
            }
          },
          OCCUPY_PORT: async () => {
            squatter = createServer((_q, res) => res.end("not a shim"));
            await new Promise<void>((r) => squatter!.listen(port, "127.0.0.1", r));
          },
          RELEASE_PORT: async () => {
            await new Promise<void>((r) => squatter!.close(() => r()));
            squatter = null;
          },
        },
        states: {
          stopped: async () => {
            const r = await cli(env, port, ["status"]);
            expect(r.code).toBe(1);
            expect(r.out).toContain("codex-shim is stopped");
            expect(await health()).toBe(false);
          },
          running: async () => {
            const r = await cli(env, port, ["status"]);
            expect(r.code, r.out).toBe(0);
            expect(r.out).toContain(`running on http://127.0.0.1:${port} with pid ${pid()}`);
            expect(await health()).toBe(true);
          },
          stale: async () => {
            const r = await cli(env, port, ["status"]);
            expect(r.code).toBe(1);
            expect(r.out).toContain("stale pid file");
          },
          foreign: async () => {
            const r = await cli(env, port, ["start"]);
            expect(r.code).toBe(1);
            expect(r.out).toContain(`Port ${port} on 127.0.0.1 is used by another program`);
          },
        },
      });
      if (squatter) await new Promise<void>((r) => squatter!.close(() => r()));
      await cli(env, port, ["stop"]);
    }, 90_000);
  }
});
