/**
 * Node flags the long-running server is started with (daemon, `npm start`, the bench's shim).
 * A 2 MiB young-generation semi-space makes V8 collect short-lived per-chunk garbage sooner:
 * measured RSS under 256 concurrent streams 253 → 178 MiB with no loss of CPU per request or
 * throughput (docs/performance.md, docs/decisions.md D13). Keep `package.json`'s start script in step.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=2"];
