import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);

/**
 * The real Codex CLI: the pinned `@openai/codex` devDependency (a JS launcher around its binary),
 * or `CODEX_BIN` (another version's launcher or native binary, e.g.
 * `CODEX_BIN=/work/codex171/node_modules/.bin/codex`).
 */
export const CODEX_LAUNCHER = process.env.CODEX_BIN ? realpathSync(process.env.CODEX_BIN) : require.resolve("@openai/codex/bin/codex.js");

/** How to start CODEX_LAUNCHER: a JS launcher runs on this Node, a native binary on its own. */
function codexCommand(args: string[]): [string, string[]] {
  return /\.[cm]?js$/.test(CODEX_LAUNCHER) ? [process.execPath, [CODEX_LAUNCHER, ...args]] : [CODEX_LAUNCHER, args];
}

export interface CodexRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** `--json` events. */
  events: any[];
  /** The last agent message, if any. */
  lastMessage: string | undefined;
}

export interface CodexSetup {
  codexHome: string;
  workdir: string;
  home: string;
}

/**
 * A private CODEX_HOME (never the user's), a scratch HOME and a workdir, with a config.toml that
 * points Codex at the shim (codex-protocol §12). `catalog` is written as model_catalog_json.
 */
export function prepareCodex(opts: {
  shimUrl: string;
  model: string;
  catalog?: unknown;
  extraConfig?: string;
  retries?: { request: number; stream: number };
  idleTimeoutMs?: number;
  /** `supports_websockets = true`: Codex opens a Responses WebSocket first (codex-protocol §11). */
  websockets?: boolean;
}): CodexSetup {
  const root = mkdtempSync(join(tmpdir(), "codex-e2e-"));
  const codexHome = join(root, "codex-home");
  const workdir = join(root, "work");
  const home = join(root, "home");
  for (const d of [codexHome, workdir, home]) mkdirSync(d, { recursive: true });
  const lines = [
    `model = "${opts.model}"`,
    `model_provider = "shim"`,
    `approval_policy = "never"`,
    `sandbox_mode = "danger-full-access"`,
    `web_search = "disabled"`,
  ];
  if (opts.catalog) {
    const catalogPath = join(codexHome, "catalog.json");
    writeFileSync(catalogPath, JSON.stringify(opts.catalog));
    lines.push(`model_catalog_json = "${catalogPath}"`);
  }
  lines.push(
    "",
    "[features]",
    "goals = false",
    "",
    "[agents]",
    "enabled = false",
    "",
    "[model_providers.shim]",
    `name = "shim"`,
    `base_url = "${opts.shimUrl}/v1"`,
    `wire_api = "responses"`,
    `request_max_retries = ${opts.retries?.request ?? 0}`,
    `stream_max_retries = ${opts.retries?.stream ?? 0}`,
    `stream_idle_timeout_ms = ${opts.idleTimeoutMs ?? 60000}`,
    ...(opts.websockets ? ["supports_websockets = true"] : []),
    "",
  );
  if (opts.extraConfig) lines.push(opts.extraConfig);
  writeFileSync(join(codexHome, "config.toml"), lines.join("\n"));
  return { codexHome, workdir, home };
}

/** Runs `codex exec --json` with a hard timeout; stdin is closed so Codex never waits on it. */
export function runCodex(setup: CodexSetup, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CodexRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: setup.home,
      CODEX_HOME: setup.codexHome,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      RUST_LOG: "error",
      ...opts.env,
    };
    const [cmd, argv] = codexCommand(["exec", "--skip-git-repo-check", "--ephemeral", "--json", ...args]);
    const child = spawn(cmd, argv, {
      cwd: setup.workdir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const events = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => {
          try {
            return JSON.parse(l);
          } catch {
            return null;
          }
        })
        .filter(Boolean);
      const msgs = events.filter((e: any) => e.type === "item.completed" && e.item?.type === "agent_message");
      resolve({ code, stdout, stderr, events, lastMessage: msgs.at(-1)?.item?.text });
    });
  });
}
