import type { RequestTrace } from "./request-trace.ts";

/**
 * Per-HTTP-request marks for the inspector, keyed by the Request object h3 hands every layer:
 * when it arrived (set by the app's first middleware) and the trace its request actor records.
 */
const received = new WeakMap<object, number>();
const traces = new WeakMap<object, RequestTrace>();

export function markReceived(req: Request): void {
  received.set(req, performance.now());
}

/** performance.now() when the request arrived, or now. */
export function receivedAt(req: object): number {
  return received.get(req) ?? performance.now();
}

export function bindTrace(req: object, trace: RequestTrace): void {
  traces.set(req, trace);
}

export function traceOf(req: Request): RequestTrace | undefined {
  return traces.get(req);
}

const bodies = new WeakMap<Request, Record<string, unknown>>();

/** The parsed body, for a trace of a request refused after it was read (validation). */
export function markBody(req: Request, body: Record<string, unknown>): void {
  bodies.set(req, body);
}

export function bodyOf(req: Request): Record<string, unknown> | undefined {
  return bodies.get(req);
}
