import { serve } from "crossws/server/node";
import type { Peer } from "crossws";

/**
 * A loopback Responses WebSocket upstream (the ChatGPT backend's socket, scripted), on the same
 * stack the shim serves with (crossws). `answer` gets each client message and sends the frames;
 * `refuse` makes the upgrade fail with that HTTP status; `http` serves plain HTTP requests
 * (the HTTP fallback) on the same port.
 */
export interface ScriptedWebSocketUpstream {
  url: string;
  /** Upgrade requests' headers, in order. */
  upgrades: Record<string, string>[];
  /** Client messages, parsed, in order. */
  messages: any[];
  refuse: number | null;
  answer: (message: any, send: (frame: unknown) => void, peer: Peer) => void;
  http: (req: Request) => Response | Promise<Response>;
  /** Resolves with performance.now() when a client socket closed. */
  closedAt: Promise<number>[];
  peers: Set<Peer>;
  close(): Promise<void>;
}

export async function startScriptedWebSocketUpstream(): Promise<ScriptedWebSocketUpstream> {
  const closers = new Map<Peer, (t: number) => void>();
  const up: ScriptedWebSocketUpstream = {
    url: "",
    upgrades: [],
    messages: [],
    refuse: null,
    answer: () => {},
    http: () => new Response("no http script", { status: 500 }),
    closedAt: [],
    peers: new Set(),
    close: async () => {},
  };
  const server = serve({
    port: 0,
    hostname: "127.0.0.1",
    silent: true,
    fetch: (req) => up.http(req),
    websocket: {
      upgrade(req) {
        up.upgrades.push(Object.fromEntries(req.headers.entries()));
        if (up.refuse) return new Response("WebSockets are not available here", { status: up.refuse });
      },
      open(peer) {
        up.peers.add(peer);
        up.closedAt.push(new Promise<number>((r) => closers.set(peer, r)));
      },
      message(peer, message) {
        const m = JSON.parse(message.text());
        up.messages.push(m);
        up.answer(m, (f) => peer.send(JSON.stringify(f)), peer);
      },
      close(peer) {
        up.peers.delete(peer);
        closers.get(peer)?.(performance.now());
      },
    },
  });
  await server.ready();
  up.url = server.url!.replace(/\/$/, "");
  up.close = async () => {
    for (const p of up.peers) p.terminate();
    await server.close(true);
  };
  return up;
}
