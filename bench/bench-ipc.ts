/** Messages between the bench runner and its child servers (shim, pass-through proxy); the children answer with bench/serve-stats.mjs. */
export type ChildMessage = { type: "ready"; port: number } | { type: "stats"; cpuUserUs: number; cpuSystemUs: number; rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number; spaces?: string };
export type ParentMessage = { type: "stats"; gc?: boolean };
