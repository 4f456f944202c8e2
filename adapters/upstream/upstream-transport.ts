import { Agent, Dispatcher1Wrapper } from "undici";
import type { ModelTimeouts } from "../settings/settings-types.ts";

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

/**
 * globalThis.fetch with pooled undici Agents, one per distinct timeout tuple. Node 24's fetch
 * bundles undici 7, so the undici 8 Agent is wrapped (docs/stack.md §1). `fetch` is looked up at
 * call time so that test interceptors installed later still apply.
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
  return {
    send(req, signal) {
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
