import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: any;
  rawBody: string;
  /** Resolves with performance.now() when this request's connection closed (e.g. the shim hung up). */
  closed: Promise<number>;
}

export type ScriptStep = (req: RecordedRequest, res: ServerResponse) => unknown;

/**
 * A loopback HTTP server that plays a script: the n-th request gets the n-th step (the last step
 * repeats). Every request is recorded so tests can assert what the shim sent upstream.
 */
export interface ScriptedUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  setScript(steps: ScriptStep[]): void;
  /** Sockets currently open to this server (to check the shim leaves none behind). */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startScriptedUpstream(steps: ScriptStep[] = []): Promise<ScriptedUpstream> {
  let script = steps;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer(async (req, res) => {
    const closed = new Promise<number>((resolve) => res.once("close", () => resolve(performance.now())));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    let body: unknown = rawBody;
    try {
      body = JSON.parse(rawBody);
    } catch {}
    const rec: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, rawBody, closed };
    requests.push(rec);
    const step = script[Math.min(requests.length - 1, script.length - 1)];
    if (!step) {
      res.writeHead(500).end("no script step");
      return;
    }
    try {
      await step(rec, res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(String(e));
      else res.destroy();
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
    requests,
    setScript(s) {
      script = s;
    },
    openSockets: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** SSE body of chat-completion chunks, ending with `[DONE]`. */
export function chatSse(chunks: unknown[], opts: { done?: boolean } = {}): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + (opts.done === false ? "" : "data: [DONE]\n\n");
}

export function chatChunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return { id: "chatcmpl-test", object: "chat.completion.chunk", created: 1, model: "up-model", choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

/** A step that streams a plain text answer in a few chunks, with usage. */
export function chatTextStep(text: string, usage = { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 }): ScriptStep {
  return (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const parts = text.match(/.{1,8}/gs) ?? [""];
    res.end(
      chatSse([
        chatChunk({ role: "assistant", content: "" }),
        ...parts.map((p) => chatChunk({ content: p })),
        chatChunk({}, "stop"),
        { id: "chatcmpl-test", object: "chat.completion.chunk", choices: [], usage },
      ]),
    );
  };
}

/** A step answering 200 with `body` as an event stream, all at once. */
export function sseStep(body: string): ScriptStep {
  return (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(body);
  };
}

/** A step answering with an HTTP error. */
export function httpErrorStep(status: number, body: unknown, headers: Record<string, string> = {}): ScriptStep {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}
