import { Agent, Dispatcher1Wrapper } from "undici";
import type { Readable } from "node:stream";
import type { ModelTimeouts } from "../settings/settings-types.ts";
import { UpstreamResponse } from "./upstream-response.ts";

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  /** Serialized JSON body. */
  body: string;
  timeouts: ModelTimeouts;
}

/** The one seam every upstream call goes through (MSW mocks it via globalThis.fetch). */
export interface Transport {
  send(req: UpstreamRequest, signal: AbortSignal): Promise<Response>;
  close(): Promise<void>;
}

/** Node's own fetch, as it was when this module loaded (interceptors such as MSW replace it later). */
const nativeFetch = globalThis.fetch;

/**
 * Pooled undici Agents, one per distinct timeout tuple. Calls go straight to the Agent's
 * `request()` (docs/performance.md: fetch costs ~0.3 ms more to the first byte and a web-stream
 * hop per chunk). When `globalThis.fetch` has been replaced since startup — MSW and other test
 * interceptors do that — calls go through `fetch` instead, so the interceptor sees them. Node 24's
 * fetch bundles undici 7, so for fetch the undici 8 Agent is wrapped (docs/stack.md §1).
 */
export function createFetchTransport(): Transport {
  const agents = new Map<string, { agent: Agent; dispatcher: unknown }>();
  function dispatcherFor(t: ModelTimeouts): unknown {
    const key = `${t.connectMs}:${t.headersMs}:${t.idleMs}`;
    let entry = agents.get(key);
    if (!entry) {
      const agent = new Agent({
        connect: { timeout: t.connectMs },
        headersTimeout: t.headersMs,
        bodyTimeout: t.idleMs,
        keepAliveTimeout: 30_000,
        connections: 256,
      });
      entry = { agent, dispatcher: new Dispatcher1Wrapper(agent) };
      agents.set(key, entry);
    }
    return entry.dispatcher;
  }
  async function viaAgent(req: UpstreamRequest, signal: AbortSignal): Promise<Response> {
    dispatcherFor(req.timeouts);
    const agent = agents.get(`${req.timeouts.connectMs}:${req.timeouts.headersMs}:${req.timeouts.idleMs}`)!.agent;
    const url = new URL(req.url);
    const r = await agent.request({ origin: url.origin, path: url.pathname + url.search, method: "POST", headers: req.headers, body: req.body, signal });
    return new UpstreamResponse(req.url, r.statusCode, r.statusText, r.headers, r.body as unknown as Readable) as unknown as Response;
  }
  return {
    send(req, signal) {
      if (globalThis.fetch === nativeFetch) return viaAgent(req, signal);
      return globalThis.fetch(req.url, {
        method: "POST",
        headers: req.headers,
        body: req.body,
        signal,
        dispatcher: dispatcherFor(req.timeouts),
      } as RequestInit);
    },
    async close() {
      const all = [...agents.values()];
      agents.clear();
      // Shutdown: in-flight upstream calls belong to clients the server is dropping anyway, and a
      // graceful close() would wait for a stalled upstream forever.
      await Promise.all(all.map((e) => e.agent.destroy().catch(() => {})));
    },
  };
}
