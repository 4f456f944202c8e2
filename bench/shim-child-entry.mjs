// Starts the bench's shim child the way `codex-shim` starts (cli/bin.mjs): with Node's compile
// cache on, so its RSS and start-up are what users get.
import { enableCompileCache } from "node:module";
enableCompileCache?.();
await import("./shim-child.ts");
