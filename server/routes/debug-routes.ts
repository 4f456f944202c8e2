import type { H3 } from "h3";
import type { ServerContext } from "../server-context.ts";
import { requestMachine } from "../../machines/request.machine.ts";
import { exportMachineConfig, type ExportedMachine } from "../debug/machine-export.ts";
import { debugPageHtml, INSPECTOR_CSP } from "./debug-page.ts";
import { debugAsset } from "./debug-assets.ts";
import { openDebugEventStream } from "./debug-events.ts";
import { readJsonBody } from "../read-json-body.ts";
import { ShimError } from "../../adapters/errors/shim-error.ts";

const SECURITY_HEADERS = {
  "content-security-policy": INSPECTOR_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
};

let machineConfig: ExportedMachine | null = null;

function json(value: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json; charset=utf-8", ...SECURITY_HEADERS, ...extra } });
}

function notFound(id: string): Response {
  return json(new ShimError({ status: 404, code: "not_found", message: `No request ${id} in memory (the inspector keeps the most recent ones).` }).toJSON(), 404);
}

/** The flow inspector: the page, its assets, the traces, the live stream, the capture switch. */
export function registerDebugRoutes(app: H3, ctx: ServerContext): void {
  const traces = ctx.traces;
  app.get("/debug", () => new Response(debugPageHtml(ctx.version), { headers: { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS } }));
  app.get("/debug/assets/:name", (event) => debugAsset(event.context.params?.name ?? "", SECURITY_HEADERS));
  app.get("/debug/machine", () => json((machineConfig ??= exportMachineConfig(requestMachine))));
  app.get("/debug/requests", () => json(traces.list()));
  app.get("/debug/requests/:id", (event) => {
    const id = event.context.params?.id ?? "";
    // A permalink opened in a browser goes to the page, scrolled to the request.
    if (/\btext\/html\b/.test(event.req.headers.get("accept") ?? "")) return new Response(null, { status: 302, headers: { location: `/debug#${encodeURIComponent(id)}`, ...SECURITY_HEADERS } });
    const trace = traces.get(id);
    if (!trace) return notFound(id);
    return json({ ...trace, capture: traces.captures.get(id) ?? null });
  });
  app.get("/debug/requests/:id/export", (event) => {
    const id = event.context.params?.id ?? "";
    const trace = traces.get(id);
    if (!trace) return notFound(id);
    const report = {
      exportedBy: `codex-shim ${ctx.version}`,
      exportedAt: new Date().toISOString(),
      note: "Keys and credential headers are removed. Prompt text is included only when translation capture was on for this request.",
      machine: machineConfig ??= exportMachineConfig(requestMachine),
      trace,
      capture: traces.captures.get(id) ?? null,
    };
    return json(report, 200, { "content-disposition": `attachment; filename="codex-shim-${id.replace(/[^\w.-]/g, "_")}.json"` });
  });
  app.get("/debug/events", (event) => openDebugEventStream(traces, event.req.signal, SECURITY_HEADERS));
  app.get("/debug/capture", () => json(captureState(ctx)));
  // State-changing: the guard already demands same-origin JSON, so another site cannot turn capture on.
  app.post("/debug/capture", async (event) => {
    const body = await readJsonBody(event.req, 4096).catch((e: ShimError) => e);
    if (body instanceof ShimError) return json(body.toJSON(), body.status);
    if (typeof body.enabled !== "boolean") return json(new ShimError({ status: 400, code: "invalid_request", message: "Expected {\"enabled\": true|false}." }).toJSON(), 400);
    traces.captures.setEnabled(body.enabled);
    return json(captureState(ctx));
  });
}

export function captureState(ctx: ServerContext): { enabled: boolean; count: number; bytes: number; maxRequests: number; maxBytes: number } {
  const c = ctx.traces.captures;
  return { enabled: c.enabled, count: c.count, bytes: c.bytes, maxRequests: c.limits.maxRequests, maxBytes: c.limits.maxBytes };
}
