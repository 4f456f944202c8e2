import type { IncomingMessage, ServerResponse } from "node:http";
import { chatChunk, chatSse, startScriptedUpstream } from "../helpers/scripted-upstream.ts";

/** What a fault handler sees: the request, the response, and when the shim hung up on it. */
export interface FaultCall {
  req: IncomingMessage;
  res: ServerResponse;
  body: string;
  /** Resolves with performance.now() when the shim closed this request's connection. */
  closed: Promise<number>;
}

export type FaultHandler = (call: FaultCall) => void | Promise<void>;

/**
 * A loopback upstream that misbehaves on purpose: each request runs the current handler (the
 * scripted upstream underneath tracks open sockets so tests can check the shim leaves none behind).
 */
export interface FaultServer {
  url: string;
  port: number;
  calls: FaultCall[];
  handle(h: FaultHandler): void;
  /** Sockets currently open from the shim to this server. */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startFaultServer(initial?: FaultHandler): Promise<FaultServer> {
  let handler: FaultHandler | undefined = initial;
  const calls: FaultCall[] = [];
  const up = await startScriptedUpstream([
    async (rec, res) => {
      const call: FaultCall = { req: res.req, res, body: rec.rawBody, closed: rec.closed };
      calls.push(call);
      try {
        if (!handler) res.writeHead(500).end("no handler");
        else await handler(call);
      } catch {
        res.destroy();
      }
    },
  ]);
  return {
    url: up.url,
    port: up.port,
    calls,
    handle(h) {
      handler = h;
    },
    openSockets: up.openSockets,
    close: up.close,
  };
}

export function sseChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return chatSse([chatChunk(delta, finish)], { done: false });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it is true or `ms` passes. */
export async function waitFor(check: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
