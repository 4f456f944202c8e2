import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The Node request/response behind an h3 (srvx) request, when the app runs on Node's http server;
 * undefined for `app.fetch(new Request(...))` in tests. The hot paths read and write through them
 * directly instead of through web streams (docs/performance.md).
 */
export function nodeRuntimeOf(req: object): { req: IncomingMessage; res: ServerResponse } | undefined {
  const node = (req as { runtime?: { node?: { req?: IncomingMessage; res?: ServerResponse } } }).runtime?.node;
  return node?.req && node.res ? { req: node.req, res: node.res } : undefined;
}
