import { Agent, Dispatcher1Wrapper, Pool as OriginPool } from "./undici-dispatchers.ts";
import type { Readable } from "node:stream";
import { DEFAULT_TIMEOUTS, type ModelTimeouts } from "../settings/settings-types.ts";
import { UpstreamResponse } from "./upstream-response.ts";
import { coalesceBodyPieces } from "./coalesce-body-pieces.ts";
import { releaseBodyChunksAsWritten } from "./release-body-chunks-as-written.ts";

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  /** Serialized JSON body: a string, its UTF-8 bytes, or those bytes in pieces (sent as they are, see serialize-chat-body.ts and encode-json-body.ts). */
  body: UpstreamBody;
  timeouts: ModelTimeouts;
}

export type UpstreamBody = string | Buffer | readonly Buffer[];

/** The body as text (for parsing it again: parameter retries, tests). */
export function upstreamBodyText(body: UpstreamBody): string {
  if (typeof body === "string") return body;
  return (Buffer.isBuffer(body) ? body : Buffer.concat(body as Buffer[])).toString("utf8");
}

/** The one seam every upstream call goes through (MSW mocks it via globalThis.fetch). */
export interface Transport {
  send(req: UpstreamRequest, signal: AbortSignal): Promise<Response>;
  close(): Promise<void>;
  /**
   * Settings changed: `inUse` are the timeout tuples the models use now. A transport that pools
   * connections per tuple closes the pools of the others (optional: a transport need not pool).
   */
  retainTimeouts?(inUse: Iterable<ModelTimeouts>): void;
}

/** Node's own fetch, as it was when this module loaded (interceptors such as MSW replace it later). */
const nativeFetch = globalThis.fetch;

const timeoutsKey = (t: ModelTimeouts) => `${t.connectMs}:${t.headersMs}:${t.idleMs}`;

interface Pool {
  agent: Agent;
  dispatcher: unknown;
  /** The agent's per-origin pools: `Agent.close()` forgets them, so a later destroy must reach them here. */
  origins: Set<OriginPool>;
}

/**
 * Pooled undici Agents, one per distinct timeout tuple. Calls go straight to the Agent's
 * `request()` (docs/performance.md: fetch costs ~0.3 ms more to the first byte and a web-stream
 * hop per chunk). When `globalThis.fetch` has been replaced since startup — MSW and other test
 * interceptors do that — calls go through `fetch` instead, so the interceptor sees them. Node 24's
 * fetch bundles undici 7, so for fetch the undici 8 Agent is wrapped (docs/stack.md §1).
 *
 * `retainTimeouts` (wired to settings reloads) closes the pools of tuples no model uses any more,
 * so editing a model's timeouts does not leave its old pool open for the life of the process.
 */
export function createFetchTransport(): Transport {
  const pools = new Map<string, Pool>();
  /** Pools no longer in use, closing once their in-flight calls are over. */
  const closing = new Set<Pool>();
  function poolFor(t: ModelTimeouts): Pool {
    const key = timeoutsKey(t);
    let pool = pools.get(key);
    if (!pool) {
      const origins = new Set<OriginPool>();
      const agent = new Agent({
        connect: { timeout: t.connectMs },
        headersTimeout: t.headersMs,
        bodyTimeout: t.idleMs,
        keepAliveTimeout: 30_000,
        connections: 256,
        factory(origin, opts) {
          // The agent closes an origin's pool once it has no connection left: forget those.
          for (const p of origins) if (p.closed || p.destroyed) origins.delete(p);
          const p = new OriginPool(origin, opts);
          origins.add(p);
          return p;
        },
      });
      pool = { agent, dispatcher: new Dispatcher1Wrapper(agent), origins };
      pools.set(key, pool);
    }
    return pool;
  }
  async function viaAgent(req: UpstreamRequest, signal: AbortSignal): Promise<Response> {
    const { agent } = poolFor(req.timeouts);
    const url = new URL(req.url);
    let { body, headers } = req;
    // Pieces go out in ~64 KiB chunks (a socket write each), with their total length.
    if (typeof body !== "string" && !Buffer.isBuffer(body)) {
      const pieces = body as readonly Buffer[];
      let length = 0;
      for (const p of pieces) length += p.length;
      headers = { ...headers, "content-length": String(length) };
      const chunks = coalesceBodyPieces(pieces);
      body = chunks.length === 1 ? chunks[0] : (releaseBodyChunksAsWritten(chunks) as unknown as Buffer);
    }
    // undici writes an iterable body piece by piece (its types list only the other body kinds).
    const r = await agent.request({ origin: url.origin, path: url.pathname + url.search, method: "POST", headers, body: body as string | Buffer, signal });
    return new UpstreamResponse(req.url, r.statusCode, r.statusText, r.headers, r.body as unknown as Readable) as unknown as Response;
  }
  return {
    send(req, signal) {
      if (globalThis.fetch === nativeFetch) return viaAgent(req, signal);
      return globalThis.fetch(req.url, {
        method: "POST",
        headers: req.headers,
        body: typeof req.body === "string" || Buffer.isBuffer(req.body) ? req.body : Buffer.concat(req.body as Buffer[]),
        signal,
        dispatcher: poolFor(req.timeouts).dispatcher,
      } as RequestInit);
    },
    retainTimeouts(inUse) {
      // The default tuple serves the ChatGPT passthrough and compaction whatever the settings say.
      const keep = new Set([timeoutsKey(DEFAULT_TIMEOUTS)]);
      for (const t of inUse) keep.add(timeoutsKey(t));
      for (const [key, pool] of pools) {
        if (keep.has(key)) continue;
        pools.delete(key);
        closing.add(pool);
        // Graceful: calls already running on this pool (a request that started on the old
        // settings) finish first; idle keep-alive sockets close now. A later call with the old
        // tuple simply gets a fresh pool.
        void pool.agent
          .close()
          .catch(() => {})
          .finally(() => closing.delete(pool));
      }
    },
    async close() {
      const open = [...pools.values()];
      const draining = [...closing];
      pools.clear();
      closing.clear();
      // Shutdown: in-flight upstream calls belong to clients the server is dropping anyway, and a
      // graceful close() would wait for a stalled upstream forever.
      await Promise.all([
        ...open.map((p) => p.agent.destroy().catch(() => {})),
        ...draining.flatMap((p) => [...p.origins].map((o) => o.destroy().catch(() => {}))),
      ]);
    },
  };
}
