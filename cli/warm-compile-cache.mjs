// `npm install` runs this (the postinstall script): it loads every module of the CLI and the
// server once with Node's compile cache on (cli/launch.mjs), so even the first `npm start` or
// daemon after an install runs from the cache — without Node's TypeScript stripper resident
// (−14 MiB RSS) and without compiling at start-up. V8 keys the cache by its flags, so it warms
// twice: as the CLI runs (no flags) and as the server runs (SERVER_NODE_FLAGS). It only imports
// (nothing runs), and it never fails the install: on an old Node, or if anything goes wrong, the
// first start compiles instead.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { enableProjectCompileCache } from "./launch.mjs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major > 22 || (major === 22 && minor >= 19)) {
  try {
    if (await enableProjectCompileCache()) {
      await import("./main.ts");
      await import("./commands/all-commands.ts");
      (await import("node:module")).flushCompileCache?.();
      if (process.env.CODEX_SHIM_WARMING_SERVER !== "1") {
        const { SERVER_NODE_FLAGS } = await import("./daemon/server-node-flags.ts");
        const r = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, fileURLToPath(import.meta.url)], { stdio: "inherit", env: { ...process.env, CODEX_SHIM_WARMING_SERVER: "1" }, timeout: 60_000 });
        if (r.error) throw r.error;
      }
    }
  } catch (e) {
    process.stderr.write(`codex-shim: could not prepare Node's compile cache (${e instanceof Error ? e.message : e}); the first start compiles instead.\n`);
  }
}
