import { createRequire } from "node:module";
import type * as Undici from "undici";

/**
 * The part of undici the transport uses: Agent, Pool, Dispatcher1Wrapper and the `request()` API.
 * undici's index loads all of undici (fetch, caches, mocks, WebSocket, proxy agents: ~100 modules),
 * which costs +12 MiB of RSS alone and +3.4 MiB in the server (the rest is builtins the server loads anyway) for code it never uses (docs/performance.md, "RSS"). These are the
 * same module instances the index exports (undici has no `exports` map; the version is pinned),
 * and the index adds the request API to `Dispatcher.prototype` exactly like this.
 */
const require = createRequire(import.meta.url);
const Dispatcher = require("undici/lib/dispatcher/dispatcher.js") as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, require("undici/lib/api/index.js"));

export const Agent = require("undici/lib/dispatcher/agent.js") as typeof Undici.Agent;
export const Pool = require("undici/lib/dispatcher/pool.js") as typeof Undici.Pool;
export const Dispatcher1Wrapper = require("undici/lib/dispatcher/dispatcher1-wrapper.js") as typeof Undici.Dispatcher1Wrapper;
export type Agent = Undici.Agent;
export type Pool = Undici.Pool;
