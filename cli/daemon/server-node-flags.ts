/**
 * Node flags the long-running server is started with (daemon, `npm start`, the bench's shim).
 * A 2 MiB young-generation semi-space makes V8 collect short-lived per-chunk garbage sooner:
 * measured RSS under 256 concurrent streams 253 → 178 MiB with no loss of CPU per request or
 * throughput (docs/performance.md, docs/decisions.md D13). `--expose-gc` lets the server give the
 * pages of a burst of load back once it is idle (release-memory-when-idle.ts). Keep
 * `package.json`'s start script in step (server-node-flags.test.ts checks it).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=2", "--expose-gc"];

/**
 * Environment the daemon is spawned with (the user's own values win): glibc's malloc with at most
 * two arenas and a fixed 64 KiB mmap threshold, so the buffers of a burst of big request bodies
 * go back to the system afterwards. Measured with 64 concurrent 250 KB bodies (two runs each):
 * RSS after the load 198 → 173 MiB, idle 123 → 114 MiB, no measurable CPU cost
 * (docs/performance.md). Other platforms ignore these variables. `npm start` runs without them.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "65536" };
