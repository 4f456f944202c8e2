import type { RequestTraceStore } from "../request-trace-store.ts";

const KEEPALIVE_MS = 15_000;
const encoder = new TextEncoder();

/**
 * GET /debug/events: the inspector's live feed (SSE). `traces` carries the traces changed in the
 * last batch (server/request-trace-store.ts), `capture` the capture switch. Only open pages
 * subscribe; with none, recording costs no serialization.
 */
export function openDebugEventStream(traces: RequestTraceStore, signal: AbortSignal, headers: Record<string, string>): Response {
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => {
        try {
          controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
        } catch {
          stop();
        }
      };
      controller.enqueue(encoder.encode(`retry: 1000\n\n`));
      send("hello", { capture: traces.captures.enabled });
      const unsubscribe = traces.subscribe((changed) => send("traces", changed));
      const offToggle = traces.captures.onToggle((enabled) => send("capture", { enabled }));
      const ping = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(`: keep-alive\n\n`));
        } catch {
          stop();
        }
      }, KEEPALIVE_MS);
      ping.unref();
      stop = () => {
        unsubscribe();
        offToggle();
        clearInterval(ping);
        stop = () => {};
      };
      signal.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
