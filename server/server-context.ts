import type { SettingsStore } from "../adapters/settings/settings-store.ts";
import type { Transport } from "../adapters/transport/upstream-transport.ts";
import type { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import type { AutoRouter } from "../adapters/router/auto-router.ts";
import type { RequestDeps } from "../machines/request.machine.ts";
import type { RequestTraceStore } from "./request-trace-store.ts";
import type { LazyResponseStore } from "../adapters/responses/lazy-response-store.ts";
import type { ResponseLookup } from "../adapters/responses/response-lookup.ts";

export interface ServerContext {
  store: SettingsStore;
  transport: Transport;
  /** What finished responses handed Codex (adapters/responses/conversation-cache.ts). */
  conversations: ConversationCache;
  /** `store: true` responses on disk (SQLite in the state dir, opened on first use). */
  responseStore: LazyResponseStore;
  /** previous_response_id: the conversation cache, then the response store. */
  responses: ResponseLookup;
  env: NodeJS.ProcessEnv;
  version: string;
  startedAt: number;
  bindHost: string;
  port: number;
  keepAliveMs: number;
  log: (line: string) => void;
  traces: RequestTraceStore;
  /** The auto-router (decisions, cooldowns); its `classify` is the machine's `classifying` step. */
  router?: AutoRouter;
  /** Overrides the router's classify (tests). */
  classify?: RequestDeps["classify"];
  /** Open Responses WebSockets, closed when the server stops (upgraded sockets outlive server.close). */
  openSockets?: Set<{ close(code?: number, reason?: string): void; terminate(): void }>;
}
