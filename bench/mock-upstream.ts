import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

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

const tokenText = (i: number) => `tok${i} `;

/**
 * A loopback OpenAI-compatible chat-completions upstream that streams `tokens` content chunks,
 * one write per token, then a finish chunk, a usage chunk and `[DONE]`. Chunks are pre-encoded:
 * the mock itself should cost as little CPU as possible.
 */
export async function startMockUpstream(shape: MockStreamShape = { tokens: 200, interTokenMs: 0 }): Promise<MockUpstream> {
  let encoded: { shape: string; chunks: Buffer[] } | null = null;
  const chunksFor = (s: MockStreamShape): Buffer[] => {
    const key = `${s.tokens}`;
    if (encoded?.shape === key) return encoded.chunks;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      Buffer.from(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "bench-model", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    const chunks = [chunk({ role: "assistant", content: tokenText(0) })];
    for (let i = 1; i < s.tokens; i++) chunks.push(chunk({ content: tokenText(i) }));
    chunks.push(chunk({}, "stop"));
    chunks.push(Buffer.from(`data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 50, completion_tokens: s.tokens, total_tokens: 50 + s.tokens } })}\n\ndata: [DONE]\n\n`));
    encoded = { shape: key, chunks };
    return chunks;
  };
  const sockets = new Set<Socket>();
  const mock: MockUpstream = {
    url: "",
    shape: { ...shape },
    served: 0,
    connections: 0,
    expectedText: () => Array.from({ length: mock.shape.tokens }, (_, i) => tokenText(i)).join(""),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      mock.served++;
      const chunks = chunksFor(mock.shape);
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
