import type { WebSocket } from "undici";
import type { SlugRoute } from "../routes/upstream-route.ts";
import type { FrameSink } from "../stream/websocket-frame-sink.ts";
import { sniffEventType } from "../stream/buffered-output-writer.ts";
import { chatgptBaseUrl } from "./chatgpt-env.ts";
import { chatgptBody, chatgptHeaders } from "./chatgpt-request.ts";
import { readCodexAuth } from "./read-codex-auth.ts";
import { chatgptLoginRequired } from "./chatgpt-passthrough-route.ts";
import { ResponsesRelayWriter } from "../responses/responses-relay-writer.ts";

/** The beta header Codex sends on its own WebSocket upgrade (codex-protocol §11). */
export const RESPONSES_WEBSOCKETS_BETA = "responses_websockets=2026-02-06";
const CONNECT_TIMEOUT_MS = 15_000;
/** WebSocket.OPEN: undici (and its WebSocket) loads only when a relay opens a socket. */
const OPEN = 1;
const ENDS_TURN = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

export function chatgptWebSocketUrl(env: NodeJS.ProcessEnv): string {
  return `${chatgptBaseUrl(env).replace(/^http/i, "ws")}/responses`;
}

/** How a relayed turn went: relayed (upstream state, ids and all), or the upstream refused the socket. */
export type RelayTurnResult = "relayed" | "refused";

/**
 * ChatGPT passthrough over WebSocket: one upstream socket per client connection, opened at the
 * first turn with the login from auth.json (read then, as the HTTP route does), and each
 * `response.create` relayed with the model swapped; the upstream's frames come back with the
 * slug Codex asked for. The upstream keeps the conversation (its own `previous_response_id`),
 * so subscription users get OpenAI's incremental mode end to end. A refused upgrade is reported
 * so the caller serves the connection over the HTTP passthrough instead; an upstream socket that
 * closes ends the client connection too (Codex reconnects with the full context).
 */
export class ChatgptSocketRelay {
  private socket: WebSocket | null = null;
  private refused = false;
  private onFrame: ((data: string) => void) | null = null;
  private endTurn: (() => void) | null = null;
  private readonly env: NodeJS.ProcessEnv;
  private readonly onUpstreamClosed: (code: number, reason: string) => void;

  constructor(env: NodeJS.ProcessEnv, onUpstreamClosed: (code: number, reason: string) => void) {
    this.env = env;
    this.onUpstreamClosed = onUpstreamClosed;
  }

  /** True once the upstream refused the upgrade: this connection's ChatGPT turns go over HTTP. */
  get usesHttp(): boolean {
    return this.refused;
  }

  async turn(message: Record<string, unknown>, route: SlugRoute, sink: FrameSink, signal: AbortSignal): Promise<RelayTurnResult> {
    if (this.refused) return "refused";
    const slug = String(message.model);
    const socket = this.socket ?? (await this.open(message));
    if (!socket) return "refused";
    const writer = new ResponsesRelayWriter({ responseId: "", modelOverride: slug !== route.model.model ? slug : null });
    const done = new Promise<void>((resolve) => {
      this.endTurn = resolve;
      this.onFrame = (data) => {
        writer.relay(data, undefined);
        void sink.writeText!(writer.take());
        if (ENDS_TURN.has(sniffEventType(data, 120) ?? "")) resolve();
      };
    });
    const abort = () => this.close();
    signal.addEventListener("abort", abort, { once: true });
    socket.send(JSON.stringify(chatgptBody(message, route.model.model)));
    try {
      await done;
    } finally {
      signal.removeEventListener("abort", abort);
      this.onFrame = null;
      this.endTurn = null;
    }
    return "relayed";
  }

  close(): void {
    const s = this.socket;
    this.socket = null;
    this.endTurn?.();
    if (s && s.readyState <= OPEN) s.close(1000);
  }

  private async open(message: Record<string, unknown>): Promise<WebSocket | null> {
    const auth = readCodexAuth(this.env);
    if (!auth.ok) throw chatgptLoginRequired(String(message.model), auth.reason);
    const { WebSocket } = await import("undici");
    const { "content-type": _ct, accept: _accept, ...headers } = chatgptHeaders(auth, message, "text/event-stream");
    const ws = new WebSocket(chatgptWebSocketUrl(this.env), { headers: { ...headers, "openai-beta": RESPONSES_WEBSOCKETS_BETA } } as never);
    return new Promise((resolve) => {
      let opened = false;
      const timer = setTimeout(() => ws.close(), CONNECT_TIMEOUT_MS);
      ws.addEventListener("open", () => {
        opened = true;
        clearTimeout(timer);
        this.socket = ws;
        resolve(ws);
      });
      ws.addEventListener("message", (ev) => {
        if (typeof ev.data === "string") this.onFrame?.(ev.data);
      });
      ws.addEventListener("close", (ev) => {
        clearTimeout(timer);
        if (!opened) {
          // 426, 403, 404, a proxy without WebSockets, nothing listening: serve it over HTTP.
          this.refused = true;
          resolve(null);
          return;
        }
        const wasOurs = this.socket === ws;
        this.socket = null;
        this.endTurn?.();
        if (wasOurs) this.onUpstreamClosed(ev.code, ev.reason);
      });
      ws.addEventListener("error", () => {
        // followed by "close"
      });
    });
  }
}
