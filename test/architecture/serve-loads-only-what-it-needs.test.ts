import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.ts";

// The daemon's RSS is largely the modules it loads (docs/performance.md, "RSS"): `codex-shim serve`
// must not pull in what a request never needs. A module load hook in the real `cli/bin.mjs serve`
// process records every module it loads until it listens.
const ROOT = resolve(import.meta.dirname, "../..");

const HOOK = `
import { registerHooks } from "node:module";
import { writeSync } from "node:fs";
registerHooks({ load(url, ctx, next) { writeSync(2, "LOADED " + url + "\\n"); return next(url, ctx); } });
`;

async function modulesLoadedByServe(): Promise<string[]> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "codex-shim-serve-modules-"));
  writeFileSync(join(dir, "models.json"), JSON.stringify({ models: [{ model: "m", slug: "chat-m", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-test-not-real" }] }));
  const hook = join(dir, "hook.mjs");
  writeFileSync(hook, HOOK);
  const child = spawn(process.execPath, ["--import", pathToFileURL(hook).href, join(ROOT, "cli/bin.mjs"), "--settings", join(dir, "models.json"), "--port", String(port), "serve"], {
    env: { ...process.env, CODEX_SHIM_HOME: dir, NODE_DISABLE_COMPILE_CACHE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`serve did not listen within 20 s:\n${out}\n${err.slice(-2000)}`));
    }, 20_000);
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!out.includes("listening on")) return;
      clearTimeout(timer);
      child.once("exit", () => res(err.split("\n").filter((l) => l.startsWith("LOADED ")).map((l) => l.slice(7))));
      child.kill("SIGTERM");
    });
    child.once("exit", (code) => {
      if (!out.includes("listening on")) {
        clearTimeout(timer);
        rej(new Error(`serve exited with ${code}:\n${err.slice(-2000)}`));
      }
    });
  });
}

describe("codex-shim serve", () => {
  it("loads the server, not every command, undici's index, the Desktop patcher or the test-only validators", async () => {
    const loaded = await modulesLoadedByServe();
    expect(loaded.some((u) => u.endsWith("/server/start-server.ts"))).toBe(true);
    expect(loaded.some((u) => u.endsWith("/cli/commands/serve-command.ts"))).toBe(true);
    // (the picker's /api/switch restarts Codex Desktop: those few small modules are the server's)
    const unwanted = loaded.filter((u) =>
      [/\/undici\/index\.js$/, /\/@electron\/asar\//, /\/ajv/, /\/@xstate\/graph\//, /\/cli\/commands\/(?!serve-command|base-command)/, /\/adapters\/codex-desktop\/(asar-archive|patch-codex-app|restore-codex-app|desktop-patches|desktop-steps)\.ts$/].some((re) => re.test(u)),
    );
    expect(unwanted).toEqual([]);
  }, 30_000);
});
