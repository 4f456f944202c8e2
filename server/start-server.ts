import { serve } from "h3";
import { createRequire } from "node:module";
import { createApp } from "./create-app.ts";
import type { ServerContext } from "./server-context.ts";
import { SettingsStore } from "../adapters/settings/settings-store.ts";
import { createFetchTransport, type Transport } from "../adapters/transport/upstream-transport.ts";
import { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import { RequestTraceStore } from "./request-trace-store.ts";
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
}

export interface RunningServer {
  url: string;
  port: number;
  ctx: ServerContext;
  close(): Promise<void>;
}

export class PortInUseError extends Error {}

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
  const ctx: ServerContext = {
    store,
    transport,
    conversations: new ConversationCache(),
    env,
    version: VERSION,
    startedAt: Date.now(),
    bindHost: host,
    port,
    keepAliveMs: o.keepAliveMs ?? Number(env.CODEX_SHIM_KEEPALIVE_MS ?? 15_000),
    log,
    traces: new RequestTraceStore(),
    router: new AutoRouter({ transport, env, log }),
  };
  // Translation capture (prompt text) only when asked for: the settings file or the environment; the page can toggle it.
  const captureWanted = (s: typeof store.current) => s.debug?.capture ?? /^(1|true|yes|on)$/i.test(env.CODEX_SHIM_DEBUG_CAPTURE ?? "");
  ctx.traces.captures.setEnabled(captureWanted(store.current));
  store.onChange((s) => ctx.traces.captures.setEnabled(captureWanted(s)));
  const app = createApp(ctx);
  const server = serve(app, { port, hostname: host, silent: true, gracefulShutdown: false });
  try {
    await server.ready();
  } catch (e) {
    store.close();
    await transport.close();
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new PortInUseError(`Port ${port} on ${host} is already in use. Is codex-shim already running (\`codex-shim status\`)? Otherwise pick another port with --port.`);
    throw e;
  }
  if (o.watchSettings !== false) store.watch();
  const addr = server.node?.server?.address();
  const actualPort = addr && typeof addr === "object" ? addr.port : port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    ctx,
    async close() {
      store.close();
      await server.close(true);
      await transport.close();
    },
  };
}
