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
  // Cache the compiled (type-stripped) modules between runs: measured cold start to the first
  // /health answer 355 → ~200 ms and idle RSS 117 → 88 MiB (docs/performance.md). Opt out with
  // NODE_DISABLE_COMPILE_CACHE=1; NODE_COMPILE_CACHE picks the directory.
  const { enableCompileCache } = await import("node:module");
  enableCompileCache?.();
  const { runCli } = await import("./main.ts");
  process.exitCode = await runCli(mapArgs(process.argv.slice(2)));
}
