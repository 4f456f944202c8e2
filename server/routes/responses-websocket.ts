import type { Hooks, Peer } from "crossws";
import type { ServerContext } from "../server-context.ts";
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
      sessions.set(peer, new ResponsesSocketSession(ctx, peer, { headers: peer.request.headers }));
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
