import { request } from "node:http";
import type { Socket } from "node:net";
import { WebSocket } from "undici";

/** A test client for the Responses WebSocket: send messages, await frames one by one. */
export interface ResponsesSocketClient {
  ws: WebSocket;
  send(message: unknown): void;
  /** The next server frame, parsed (rejects after `timeoutMs`). */
  next(timeoutMs?: number): Promise<any>;
  /** Frames up to and including the first terminal event or error frame. */
  untilTerminal(timeoutMs?: number): Promise<any[]>;
  close(): Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

export async function openResponsesSocket(url: string, headers: Record<string, string> = {}): Promise<ResponsesSocketClient> {
  const wsUrl = url.replace(/^http/, "ws") + (url.endsWith("/responses") ? "" : "/v1/responses");
  const ws = new WebSocket(wsUrl, { headers: { "openai-beta": "responses_websockets=2026-02-06", ...headers } } as never);
  const frames: any[] = [];
  const waiters: ((f: any) => void)[] = [];
  ws.addEventListener("message", (ev) => {
    const f = JSON.parse(String(ev.data));
    const w = waiters.shift();
    if (w) w(f);
    else frames.push(f);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.addEventListener("close", (ev) => r({ code: ev.code, reason: ev.reason })));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", (e) => reject(new Error(`WebSocket failed to open: ${(e as { message?: string }).message ?? "error"}`)), { once: true });
  });
  const next = (timeoutMs = 5000) =>
    frames.length
      ? Promise.resolve(frames.shift())
      : new Promise<any>((resolve, reject) => {
          const t = setTimeout(() => {
            waiters.splice(waiters.indexOf(done), 1);
            reject(new Error(`no frame within ${timeoutMs} ms`));
          }, timeoutMs);
          const done = (f: any) => {
            clearTimeout(t);
            resolve(f);
          };
          waiters.push(done);
        });
  return {
    ws,
    send: (m) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    next,
    async untilTerminal(timeoutMs = 5000) {
      const out: any[] = [];
      for (;;) {
        const f = await next(timeoutMs);
        out.push(f);
        if (TERMINAL.has(f.type)) return out;
      }
    },
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      ws.close();
      await closed;
    },
    closed,
  };
}

const UPGRADE_HEADERS = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };

/** A raw WebSocket upgrade to the shim; resolves with the socket, rejects on any HTTP answer. */
export function rawUpgrade(port: number, headers: Record<string, string>, path = "/v1/responses"): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, path, headers: { ...UPGRADE_HEADERS, host: `127.0.0.1:${port}`, ...headers }, timeout: 3000 });
    r.on("upgrade", (_res, socket) => resolve(socket));
    r.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    r.on("timeout", () => r.destroy(new Error("no answer within 3 s")));
    r.on("error", reject);
    r.end();
  });
}

/** The status a WebSocket upgrade gets: 101, or the HTTP status the shim answered instead. */
export function upgradeStatus(port: number, headers: Record<string, string>, path = "/v1/responses"): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, path, headers: { ...UPGRADE_HEADERS, host: `127.0.0.1:${port}`, ...headers }, timeout: 3000 });
    r.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    r.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    r.on("timeout", () => r.destroy(new Error("no answer within 3 s")));
    r.on("error", reject);
    r.end();
  });
}
