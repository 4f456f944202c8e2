import { serve } from "h3";
import { plugin as webSocketPlugin } from "crossws/server/node";
import { createRequire } from "node:module";
import { createApp } from "./create-app.ts";
import type { ServerContext } from "./server-context.ts";
import { SettingsStore } from "../adapters/settings/settings-store.ts";
import { createFetchTransport, type Transport } from "../adapters/transport/upstream-transport.ts";
import { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { RequestTraceStore } from "./request-trace-store.ts";
import { maxBodyBytes } from "./read-json-body.ts";
import { LazyResponseStore, responseStoreFile } from "../adapters/responses/lazy-response-store.ts";
import { ResponseLookup } from "../adapters/responses/response-lookup.ts";
import { stateDir } from "../adapters/settings/state-paths.ts";
import { AutoRouter } from "../adapters/router/auto-router.ts";

export const DEFAULT_PORT = 8765;
export const DEFAULT_HOST = "127.0.0.1";

export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export interface StartOptions {
  settingsFile: string;
  settingsRequired: boolean;
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  transport?: Transport;
  keepAliveMs?: number;
  watchSettings?: boolean;
  /** Where the response store lives; the state dir ($CODEX_SHIM_HOME, ~/.codex-shim) by default. */
  stateDir?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  ctx: ServerContext;
  close(): Promise<void>;
}

export class PortInUseError extends Error {}

/**
 * Silence towards Codex before a keep-alive event. 1 s, checked every 0.5 s, so the longest gap is
 * ~1.5 s: no Codex `stream_idle_timeout_ms` of 2 s or more fires while the upstream is alive
 * (one ~100-byte event a second of silence). `CODEX_SHIM_KEEPALIVE_MS` overrides; 0 turns it off.
 */
export const DEFAULT_KEEPALIVE_MS = 1000;

export function keepAliveMsFrom(env: NodeJS.ProcessEnv): number {
  const v = env.CODEX_SHIM_KEEPALIVE_MS?.trim();
  if (!v) return DEFAULT_KEEPALIVE_MS;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_KEEPALIVE_MS;
}

/** Loads settings (throws SettingsError on a bad file), binds loopback, and serves. */
export async function startServer(o: StartOptions): Promise<RunningServer> {
  const log = o.log ?? ((l: string) => console.log(l));
  const env = o.env ?? process.env;
  const store = new SettingsStore({ file: o.settingsFile, required: o.settingsRequired, log });
  const host = o.host ?? DEFAULT_HOST;
  const port = o.port ?? DEFAULT_PORT;
  const transport = o.transport ?? createFetchTransport();
  // A settings edit that changes a model's timeouts must not leave the old connection pool open.
  store.onChange((s) => transport.retainTimeouts?.(s.models.map((m) => m.timeouts)));
  const conversations = new ConversationCache();
  const responseStore = new LazyResponseStore(responseStoreFile(o.stateDir ?? stateDir(env)), () => store.current);
  const ctx: ServerContext = {
    store,
    transport,
    conversations,
    responseStore,
    responses: new ResponseLookup(conversations, responseStore),
    env,
    version: VERSION,
    startedAt: Date.now(),
    bindHost: host,
    port,
    keepAliveMs: o.keepAliveMs ?? keepAliveMsFrom(env),
    log,
    traces: new RequestTraceStore(),
    openSockets: new Set(),
    router: new AutoRouter({ transport, env, log }),
  };
  // Translation capture (prompt text) only when asked for: the settings file or the environment; the page can toggle it.
  const captureWanted = (s: typeof store.current) => s.debug?.capture ?? /^(1|true|yes|on)$/i.test(env.CODEX_SHIM_DEBUG_CAPTURE ?? "");
  ctx.traces.captures.setEnabled(captureWanted(store.current));
  store.onChange((s) => ctx.traces.captures.setEnabled(captureWanted(s)));
  const app = createApp(ctx);
  // WebSocket hooks are resolved through the app (guard included); messages are bounded like HTTP bodies.
  const ws = webSocketPlugin({ options: { node: { serverOptions: { maxPayload: maxBodyBytes(env), perMessageDeflate: false } } } });
  const server = serve(app, { port, hostname: host, silent: true, gracefulShutdown: false, plugins: [ws] });
  try {
    await server.ready();
  } catch (e) {
    store.close();
    responseStore.close();
    await transport.close();
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new PortInUseError(`Port ${port} on ${host} is already in use. Is codex-shim already running (\`codex-shim status\`)? Otherwise pick another port with --port.`);
    throw e;
  }
  if (o.watchSettings !== false) store.watch();
  const addr = server.node?.server?.address();
  const actualPort = addr && typeof addr === "object" ? addr.port : port;
  ctx.port = actualPort; // with --port 0 the OS picked it; the picker writes it into config.toml
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    ctx,
    async close() {
      store.close();
      await closeWebSockets(ctx.openSockets);
      responseStore.close();
      await server.close(true);
      await transport.close();
    },
  };
}

/**
 * Upgraded sockets outlive the HTTP server's close: 1012 ("service restart") tells Codex to
 * reconnect or fall back to HTTP (it resends the full context); a client that does not answer the
 * close handshake within half a second is cut off.
 */
async function closeWebSockets(sockets: ServerContext["openSockets"]): Promise<void> {
  if (!sockets?.size) return;
  for (const s of sockets) s.close(1012, "codex-shim is stopping");
  for (let i = 0; i < 10 && sockets.size; i++) await new Promise((r) => setTimeout(r, 50));
  for (const s of sockets) s.terminate();
  sockets.clear();
}
