import { dirname } from "node:path";
import { startServer } from "../server/start-server.ts";
import { serveStats } from "./serve-stats.mjs";
import { releaseMemoryWhenIdle } from "../cli/daemon/release-memory-when-idle.ts";

/**
 * codex-shim as the bench measures it: the real server (startServer, as `codex-shim serve` runs
 * it, summary log line per request included), in its own process so its CPU and RSS are its own.
 * argv: <settings file>.
 */
const server = await startServer({
  settingsFile: process.argv[2],
  settingsRequired: true,
  port: 0,
  stateDir: dirname(process.argv[2]),
  log: (l) => process.stdout.write(`${l}\n`),
});
// as `codex-shim serve` does (the bench runs the child with the server's Node flags)
releaseMemoryWhenIdle({ gc: globalThis.gc });
serveStats();
process.send?.({ type: "ready", port: server.port });
