import { ShimError } from "../../adapters/errors/shim-error.ts";
import { newItemId } from "../../adapters/responses/new-id.ts";
import type { RequestTraceStore } from "../request-trace-store.ts";
import { newTrace, type RejectionStage, type TraceEndpoint } from "./request-trace.ts";
import { bindTrace, bodyOf, receivedAt, traceOf } from "./request-marks.ts";
import { codexIdsOf, describeClient } from "./describe-client.ts";
import { clip, pathOfUrl, redactSecrets } from "./redact-for-inspector.ts";

/**
 * The inspector's record of what a model endpoint answered: the HTTP status on the request's
 * trace, or — for requests that never reached the request machine (guard 403/415, body 413/400,
 * validation 400, a native passthrough) — a trace of their own.
 */

function stageOf(e: ShimError): RejectionStage {
  return e.code === "request_too_large" || e.code === "invalid_json" || e.code === "incomplete_body" ? "body" : "validation";
}

function untracedTrace(traces: RequestTraceStore, req: Request, endpoint: TraceEndpoint, id: string) {
  const body = bodyOf(req);
  const trace = newTrace({
    id,
    endpoint,
    method: req.method,
    path: pathOfUrl(req.url),
    requestedModel: typeof body?.model === "string" ? clip(body.model, 300) : "",
    client: describeClient(req.headers),
    codex: codexIdsOf(req.headers, body),
  });
  trace.timings.done = Math.round((performance.now() - receivedAt(req)) * 100) / 100;
  if (body && typeof body.stream === "boolean") trace.stream = body.stream;
  return trace;
}

/** A request refused before the machine: one trace with the status, code and message the client got. */
export function recordRejection(
  traces: RequestTraceStore,
  req: Request,
  endpoint: TraceEndpoint,
  r: { status: number; code: string; message: string; stage: RejectionStage; id?: string; detail?: string },
): string {
  const id = r.id ?? newItemId("req");
  const trace = untracedTrace(traces, req, endpoint, id);
  trace.httpStatus = r.status;
  trace.outcome = "rejected";
  trace.rejection = { stage: r.stage, detail: r.detail ? clip(redactSecrets(r.detail), 300) : undefined };
  trace.error = { code: r.code, message: clip(redactSecrets(r.message), 2000), where: "before_stream" };
  bindTrace(req, trace);
  traces.add(trace);
  return id;
}

/**
 * A ShimError answered by a model endpoint. Thrown after the machine ran (compaction's own
 * check of the summary), it is added to that request's trace; otherwise it is a rejection.
 */
export function recordShimError(traces: RequestTraceStore, req: Request, endpoint: TraceEndpoint, e: ShimError, id?: string): string {
  const existing = traceOf(req);
  if (existing) {
    existing.httpStatus = e.status;
    existing.error = { code: e.code, message: clip(redactSecrets(e.message), 2000), type: e.type, retryAfter: e.retryAfter, where: "before_stream" };
    if (existing.outcome === "completed") existing.outcome = "failed";
    traces.changed(existing);
    return existing.id;
  }
  return recordRejection(traces, req, endpoint, { status: e.status, code: e.code, message: e.message, stage: stageOf(e), id });
}

/** The HTTP answer of a model endpoint; a request no actor ran for (a native passthrough) gets a trace here. */
export function recordAnswer(traces: RequestTraceStore, req: Request, endpoint: TraceEndpoint, res: Response): void {
  const existing = traceOf(req);
  if (existing) {
    if (existing.httpStatus === undefined) {
      existing.httpStatus = res.status;
      traces.changed(existing);
    }
    return;
  }
  const trace = untracedTrace(traces, req, endpoint, res.headers.get("x-request-id") ?? newItemId("req"));
  trace.httpStatus = res.status;
  trace.route = "native passthrough (no request machine)";
  trace.outcome = res.ok ? "completed" : "failed";
  traces.add(trace);
}
