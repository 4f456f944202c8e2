import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../helpers/free-port.ts";
import { freshHome, runShimCli, SHIM_BIN } from "../helpers/run-shim-cli.ts";

/** What a person sees from the CLI (issue 16 item 7), run as a user would: a child process, piped. */
const MODELS = { models: [{ model: "m", provider: "generic-chat-completion-api", base_url: "http://127.0.0.1:9/v1" }] };
const stops: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const s of stops) await s().catch(() => {});
});

describe("help and typos", () => {
  const h = freshHome();
  const env = { ...h.env, TERM: "xterm-256color" };

  it("piped help has no colour codes and names option values", async () => {
    for (const args of [["--help"], ["start", "--help"], ["model", "use", "--help"], ["opencode-go", "refresh", "--help"], ["app", "-h"]]) {
      const r = await runShimCli(args, env);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).not.toMatch(/\x1b\[/);
      expect(r.stdout, args.join(" ")).not.toContain("#0");
    }
    expect((await runShimCli(["start", "--help"], env)).stdout).toMatch(/--port <n>\s{2,}Port of the shim/);
    expect((await runShimCli(["--help"], { ...env, FORCE_COLOR: "1" })).stdout).toMatch(/\x1b\[/);
    expect((await runShimCli(["--help"], { ...env, FORCE_COLOR: "1", NO_COLOR: "1" })).stdout).not.toMatch(/\x1b\[/);
  });

  it("command groups have help, and typos get the right suggestion", async () => {
    const model = await runShimCli(["model", "--help"], env);
    expect(model.code).toBe(0);
    expect(model.stdout).toContain("codex-shim model use <slug>");
    expect(model.stdout).toContain("codex-shim model list");
    const ocgo = await runShimCli(["opencode-go", "--help"], env);
    expect(ocgo.code).toBe(0);
    expect(ocgo.stdout).toContain("codex-shim opencode-go refresh");
    const uze = await runShimCli(["model", "uze", "x"], env);
    expect(uze.code).toBe(1);
    expect(uze.stderr).toContain("unknown model command 'uze'. Did you mean 'model use'?");
    const stauts = await runShimCli(["stauts"], env);
    expect(stauts.code).toBe(1);
    expect(stauts.stderr).toContain("Did you mean 'status'?");
    for (const r of [model, ocgo, uze, stauts]) expect(r.out).not.toContain("Command not found");
    const missing = await runShimCli(["model", "use"], env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("$ codex-shim model use [--settings <file>] [--port <n>] <slug>");
  });

  it("a bad CODEX_SHIM_CODEX_BIN is one clear line, no stack trace", async () => {
    const r = await runShimCli(["codex", "--", "exec", "hi"], { ...h.env, CODEX_SHIM_CODEX_BIN: "/nope/codex" });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("codex-shim: CODEX_SHIM_CODEX_BIN=/nope/codex does not exist. Point it at your codex binary, or unset it to use `codex` on PATH.\n");
  });
});

describe("enable and the daemon", () => {
  it("enable checks config.toml before it starts anything", async () => {
    const h = freshHome(MODELS);
    const port = await freePort();
    const bad = 'model = "gpt-5.5"\n[profiles.x\n';
    writeFileSync(join(h.codexHome, "config.toml"), bad);
    const r = await runShimCli(["--port", String(port), "enable"], h.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not valid TOML");
    expect(r.stderr).toContain("the shim was not started");
    expect(readFileSync(join(h.codexHome, "config.toml"), "utf8")).toBe(bad);
    expect(existsSync(join(h.shimHome, "daemon.json"))).toBe(false);
    expect(await fetch(`http://127.0.0.1:${port}/health`).then(() => true).catch(() => false)).toBe(false);
  });

  it.skipIf(!existsSync("/bin/bash"))("the daemon does not keep the caller's descriptors: a `2> >(cat)` wrapper finishes", async () => {
    const h = freshHome(MODELS);
    const port = await freePort();
    stops.push(() => runShimCli(["--port", String(port), "stop"], h.env));
    // The shell leaves the process substitution's pipe open (not close-on-exec) at fd 63 of the CLI;
    // `wait $!` waits for `cat`, which ends only when every holder of that pipe has closed it.
    const script = `"$0" "$1" --port "$2" start 2> >(cat >&2); wait $!; echo wrapper-done`;
    const c = spawn("/bin/bash", ["-c", script, process.execPath, SHIM_BIN, String(port)], { env: h.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (out += d));
    const code = await Promise.race([new Promise<number | null>((r) => c.once("close", r)), new Promise<string>((r) => setTimeout(() => r("hung"), 5000))]);
    if (code === "hung") c.kill("SIGKILL");
    expect(code, out).toBe(0);
    expect(out).toContain("codex-shim started");
    expect(out).toContain("wrapper-done");
    expect(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok)).toBe(true);
  });
});
