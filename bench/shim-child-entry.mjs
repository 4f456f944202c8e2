// Starts the bench's shim child the way `codex-shim` starts (cli/bin.mjs): with the project's
// compile cache on, so its RSS and start-up are what users get.
import { enableProjectCompileCache } from "../cli/launch.mjs";

await enableProjectCompileCache();
await import("./shim-child.ts");
