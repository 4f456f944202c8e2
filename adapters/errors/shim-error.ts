/**
 * An error answered before the SSE stream starts (an HTTP status Codex acts on: codex-protocol §7)
 * or, once streaming, turned into `response.failed` with `code`.
 */
export class ShimError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: string;
  /** Seconds, sent as `Retry-After`. */
  readonly retryAfter?: number;
  /** The upstream's own HTTP status when this error maps an upstream reply (for the log line). */
  upstreamStatus?: number;
  /** The request field the error is about (`error.param`), when there is one. */
  readonly param?: string;

  constructor(opts: { status: number; code: string; message: string; type?: string; retryAfter?: number; param?: string }) {
    super(opts.message);
    this.name = "ShimError";
    this.status = opts.status;
    this.code = opts.code;
    this.type = opts.type ?? (opts.status >= 500 ? "server_error" : "invalid_request_error");
    this.retryAfter = opts.retryAfter;
    if (opts.param !== undefined) this.param = opts.param;
  }

  toJSON(): { error: { message: string; type: string; code: string; param?: string } } {
    const error: { message: string; type: string; code: string; param?: string } = { message: this.message, type: this.type, code: this.code };
    if (this.param !== undefined) error.param = this.param;
    return { error };
  }

  toResponse(extraHeaders?: Record<string, string>): Response {
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...extraHeaders };
    if (this.retryAfter !== undefined) headers["retry-after"] = String(Math.max(0, Math.ceil(this.retryAfter)));
    return new Response(JSON.stringify(this.toJSON()), { status: this.status, headers });
  }
}

/** Records the upstream's status on the error that maps it (the shim answers with its own). */
export function withUpstreamStatus(status: number, e: ShimError): ShimError {
  e.upstreamStatus ??= status;
  return e;
}
