// Launcher shared by the package's bins: plain JS that imports none of the project's
// dependencies, so it runs on any Node. On a Node older than 22.19 it re-runs the calling bin on
// the Node 24 binary installed as the `node` devDependency; otherwise it loads the TypeScript CLI
// (Node strips the types) with `mapArgs(argv)` as the codex-shim arguments.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** @param {string} binUrl the calling bin's import.meta.url  @param {(argv: string[]) => string[]} mapArgs */
export async function launch(binUrl, mapArgs = (argv) => argv) {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 19)) {
    let bin;
    try {
      bin = createRequire(import.meta.url).resolve("node/bin/node");
    } catch {}
    if (!bin) {
      console.error(
        `codex-shim needs Node.js >= 22.19 (this is ${process.version}).\n` +
          `Run \`npm install\` in the codex-shim folder (it installs Node 24 for the project) and start it with \`npm start\` or \`npx codex-shim\`,\n` +
          `or install Node 24 (https://nodejs.org) and run codex-shim with it.`,
      );
      process.exit(1);
    }
    const child = spawn(bin, [fileURLToPath(binUrl), ...process.argv.slice(2)], { stdio: "inherit" });
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => child.kill(s));
    child.on("exit", (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
    return;
  }
  await enableProjectCompileCache();
  const { runCli } = await import("./main.ts");
  process.exitCode = await runCli(mapArgs(process.argv.slice(2)));
}

/**
 * Node's compile cache: the compiled, and for our `.ts` modules the type-stripped, code of every
 * module, checked against each file's content (a changed file is compiled afresh, never served
 * stale). Measured: cold start to the first /health 355 → ~200 ms, and the daemon's RSS −14 MiB —
 * a process whose modules all come from the cache never loads Node's TypeScript stripper (amaro,
 * WebAssembly), which otherwise stays resident (docs/performance.md, "RSS"). Kept in
 * node_modules/.cache (survives reboots, unlike the OS temp dir; `npm install` fills it, see
 * warm-compile-cache.mjs), else Node's default. NODE_COMPILE_CACHE picks another directory,
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 * @returns {Promise<string | undefined>} the cache directory in use, if any
 */
export async function enableProjectCompileCache() {
  const { enableCompileCache, constants } = await import("node:module");
  if (!enableCompileCache) return undefined;
  const ok = (r) => r.status === constants.compileCacheStatus.ENABLED || r.status === constants.compileCacheStatus.ALREADY_ENABLED;
  if (!process.env.NODE_COMPILE_CACHE) {
    const r = enableCompileCache(fileURLToPath(new URL("../node_modules/.cache/codex-shim-compile", import.meta.url)));
    if (ok(r)) return r.directory;
  }
  const r = enableCompileCache();
  return ok(r) ? r.directory : undefined;
}
