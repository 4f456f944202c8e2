import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

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
 * A loopback upstream that misbehaves on purpose: each request runs the current handler, and the
 * server tracks open sockets so tests can check the shim leaves none behind.
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
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    const closed = new Promise<number>((resolve) => res.once("close", () => resolve(performance.now())));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const call: FaultCall = { req, res, body: Buffer.concat(chunks).toString("utf8"), closed };
    calls.push(call);
    try {
      if (!handler) res.writeHead(500).end("no handler");
      else await handler(call);
    } catch {
      res.destroy();
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    handle(h) {
      handler = h;
    },
    openSockets: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function sseChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
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
