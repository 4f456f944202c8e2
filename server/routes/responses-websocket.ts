import type { Hooks, Peer } from "crossws";
import type { ServerContext } from "../server-context.ts";
import type { FrameChannel } from "../../adapters/stream/websocket-frame-sink.ts";
import { ResponsesSocketSession } from "../websocket/responses-socket-session.ts";

export const WEBSOCKETS_OFF_MESSAGE =
  'WebSocket mode is turned off in codex-shim\'s settings ("websockets": false); use POST /v1/responses.';

/**
 * crossws hooks for `GET /v1/responses` with `Upgrade: websocket`. The upgrade request has already
 * passed the app's guard (Host, Origin) like any HTTP request, because crossws resolves these
 * hooks through the h3 app. With `"websockets": false` the upgrade is refused with 426, which makes
 * Codex fall back to HTTP for the rest of its session.
 */
export function responsesWebSocketHooks(ctx: ServerContext): Partial<Hooks> {
  const sessions = new WeakMap<Peer, ResponsesSocketSession>();
  const end = (peer: Peer) => {
    sessions.get(peer)?.close();
    sessions.delete(peer);
    ctx.openSockets?.delete(peer);
  };
  return {
    upgrade() {
      if (ctx.store.current.websockets === false)
        return new Response(WEBSOCKETS_OFF_MESSAGE, { status: 426, headers: { "content-type": "text/plain; charset=utf-8" } });
    },
    open(peer) {
      sessions.set(peer, new ResponsesSocketSession(ctx, frameChannelOf(peer), { headers: peer.request.headers }));
      ctx.openSockets?.add(peer);
    },
    message(peer, message) {
      sessions.get(peer)?.receive(typeof message.rawData === "string" ? message.rawData : null);
    },
    drain(peer) {
      sessions.get(peer)?.drained();
    },
    close: end,
    error: end,
  };
}

/** What the channel reads of the `ws` WebSocket under a crossws peer. */
interface WsSocket {
  readyState: number;
  /** The negotiated extensions (crossws's proxy answers `extensions` with the client's offer). */
  _extensions?: Record<string, unknown>;
  _socket?: { write(b: Uint8Array): boolean } | null;
}

/**
 * The peer as the frame sink's channel. Its `writeFrames` writes the sink's encoded frames on the
 * socket under crossws's `ws` (its `_socket`): one write per upstream chunk instead of one `send`
 * per event. Only on an open connection without extensions (the server turns permessage-deflate
 * off), where `ws` itself writes each frame whole and at once, so frames never interleave.
 */
function frameChannelOf(peer: Peer): FrameChannel {
  const ws = peer.websocket as unknown as WsSocket;
  if (!ws?._socket || typeof ws._socket.write !== "function" || !ws._extensions || Object.keys(ws._extensions).length) return peer;
  return {
    send: (text) => void peer.send(text),
    get bufferedAmount() {
      return peer.bufferedAmount;
    },
    close: (code, reason) => peer.close(code, reason),
    writeFrames(frames) {
      if (ws.readyState === 1) ws._socket?.write(frames); // closing or closed: ws drops sends too
    },
  };
}
