import { spawn, type StdioOptions } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SHIM_BIN = fileURLToPath(new URL("../../cli/bin.mjs", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  out: string;
}

/** Runs the real `codex-shim` CLI (cli/bin.mjs) as a child process; killed after `timeoutMs`. */
export function runShimCli(args: string[], env: NodeJS.ProcessEnv, o: { timeoutMs?: number; stdio?: StdioOptions; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [SHIM_BIN, ...args], { env, cwd: o.cwd, stdio: o.stdio ?? ["ignore", "pipe", "pipe"] });
    const r: CliRun = { code: null, stdout: "", stderr: "", out: "" };
    c.stdout?.on("data", (d) => ((r.stdout += d), (r.out += d)));
    c.stderr?.on("data", (d) => ((r.stderr += d), (r.out += d)));
    const t = setTimeout(() => c.kill("SIGKILL"), o.timeoutMs ?? 30_000);
    c.on("error", reject);
    c.on("exit", (code) => {
      clearTimeout(t);
      r.code = code;
    });
    c.on("close", () => resolve(r));
  });
}

/** A fresh HOME, CODEX_HOME and CODEX_SHIM_HOME (with `models` written to models.json when given). */
export function freshHome(models?: unknown): { root: string; shimHome: string; codexHome: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), "codex-shim-cli-"));
  const shimHome = join(root, "shim");
  const codexHome = join(root, "codex");
  mkdirSync(shimHome);
  mkdirSync(codexHome);
  if (models !== undefined) writeFileSync(join(shimHome, "models.json"), JSON.stringify(models));
  return { root, shimHome, codexHome, env: { PATH: process.env.PATH, HOME: root, CODEX_HOME: codexHome, CODEX_SHIM_HOME: shimHome } };
}
