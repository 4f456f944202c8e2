import type { SettingsStore } from "../adapters/settings/settings-store.ts";
import type { Transport } from "../adapters/transport/upstream-transport.ts";
import type { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import type { ResponsesRequest } from "../adapters/responses/responses-types.ts";
import type { Settings } from "../adapters/settings/settings-types.ts";
import type { RequestTraceStore } from "./request-trace-store.ts";

export interface ServerContext {
  store: SettingsStore;
  transport: Transport;
  /** What finished responses handed Codex (adapters/responses/conversation-cache.ts). */
  conversations: ConversationCache;
  env: NodeJS.ProcessEnv;
  version: string;
  startedAt: number;
  bindHost: string;
  port: number;
  keepAliveMs: number;
  log: (line: string) => void;
  traces: RequestTraceStore;
  classify?: (req: ResponsesRequest, settings: Settings) => Promise<string>;
  /** Open Responses WebSockets, closed when the server stops (upgraded sockets outlive server.close). */
  openSockets?: Set<{ close(code?: number, reason?: string): void; terminate(): void }>;
}
