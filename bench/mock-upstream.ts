import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { expectedText, scriptForPath, streamChunks } from "./mock-stream-scripts.ts";

/** How the mock chat-completions upstream streams its answer. */
export interface MockStreamShape {
  /** Text tokens per answer (~200 is a typical short Codex reply). */
  tokens: number;
  /** Pause between tokens: 0 = next tick (separate writes, as fast as possible). */
  interTokenMs: number;
}

export interface MockUpstream {
  url: string;
  shape: MockStreamShape;
  /** Requests answered so far. */
  served: number;
  /** TCP connections accepted so far (connection reuse check). */
  connections: number;
  /** The exact text each answer carries (for integrity checks). */
  expectedText(): string;
  close(): Promise<void>;
}

/**
 * A loopback upstream that streams `tokens` deltas, one write per token: chat completions on
 * `…/chat/completions`, Anthropic Messages on `…/messages`; a `/tool/` path prefix answers with a
 * streamed tool call instead of text (bench/mock-stream-scripts.ts). Chunks are pre-encoded:
 * the mock itself should cost as little CPU as possible.
 */
export async function startMockUpstream(shape: MockStreamShape = { tokens: 200, interTokenMs: 0 }): Promise<MockUpstream> {
  const encoded = new Map<string, Buffer[]>();
  const chunksFor = (path: string, s: MockStreamShape): Buffer[] => {
    const { wire, kind } = scriptForPath(path);
    const key = `${wire}/${kind}/${s.tokens}`;
    let chunks = encoded.get(key);
    if (!chunks) encoded.set(key, (chunks = streamChunks(wire, kind, s.tokens)));
    return chunks;
  };
  const sockets = new Set<Socket>();
  const mock: MockUpstream = {
    url: "",
    shape: { ...shape },
    served: 0,
    connections: 0,
    expectedText: () => expectedText(mock.shape.tokens),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      mock.served++;
      const chunks = chunksFor(req.url ?? "", mock.shape);
      const wait = mock.shape.interTokenMs;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i === chunks.length - 1) {
          res.end(chunks[i]);
          return;
        }
        res.write(chunks[i++]);
        if (wait > 0) setTimeout(next, wait);
        else setImmediate(next);
      };
      next();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    s.setNoDelay(true);
    mock.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mock.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return mock;
}
