import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerContext } from "../../server/server-context.ts";
import { SettingsStore } from "../../adapters/settings/settings-store.ts";
import type { Transport } from "../../adapters/transport/upstream-transport.ts";
import { ConversationCache } from "../../adapters/responses/conversation-cache.ts";
import { RequestTraceStore } from "../../server/request-trace-store.ts";
import { LazyResponseStore, responseStoreFile } from "../../adapters/responses/lazy-response-store.ts";
import { ResponseLookup } from "../../adapters/responses/response-lookup.ts";

/**
 * A ServerContext for in-process tests (`createApp(ctx).request(...)`, no socket): the given
 * model rows in a temp settings file, the given transport, an empty env, no keep-alive.
 */
export function createTestContext(models: unknown[], transport: Transport, opts: { log?: (line: string) => void } = {}): ServerContext {
  const dir = mkdtempSync(join(tmpdir(), "shim-ctx-"));
  const file = join(dir, "models.json");
  writeFileSync(file, JSON.stringify({ models }));
  const store = new SettingsStore({ file, required: true });
  const conversations = new ConversationCache();
  const responseStore = new LazyResponseStore(responseStoreFile(dir), () => store.current);
  return {
    store,
    transport,
    conversations,
    responseStore,
    responses: new ResponseLookup(conversations, responseStore),
    env: {},
    version: "test",
    startedAt: Date.now(),
    bindHost: "127.0.0.1",
    port: 0,
    keepAliveMs: 0,
    log: opts.log ?? (() => {}),
    traces: new RequestTraceStore(),
  };
}
