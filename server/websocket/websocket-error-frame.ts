import { ShimError } from "../../adapters/errors/shim-error.ts";

/**
 * The one error shape on a Responses WebSocket (Open Responses "WebSocket Errors"). Codex reads
 * `status` as the HTTP status of a failed request (400 → fatal, shows the payload; 429 with a
 * `retry-after` header → waits; 5xx → retried) and `headers` like response headers.
 */
export interface WebSocketErrorFrame {
  type: "error";
  status: number;
  error: { type: string; code: string; message: string; param: string | null };
  headers?: Record<string, string>;
}

/** A ShimError that also names the offending request field. */
export class WebSocketRequestError extends ShimError {
  readonly param: string | null;
  constructor(opts: { status?: number; code: string; message: string; param?: string | null; type?: string }) {
    super({ status: opts.status ?? 400, code: opts.code, message: opts.message, type: opts.type });
    this.param = opts.param ?? null;
  }
}

export function previousResponseNotFound(id: string): WebSocketRequestError {
  return new WebSocketRequestError({
    code: "previous_response_not_found",
    message: `Previous response with id '${id}' not found.`,
    param: "previous_response_id",
  });
}

/** `input[3].role must be a string` → `input[3].role`; other messages name no field. */
function paramOf(e: ShimError): string | null {
  if (e instanceof WebSocketRequestError) return e.param;
  const m = /^"?([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*)"? must\b/.exec(e.message);
  return m ? m[1] : null;
}

export function errorFrame(e: ShimError): string {
  const frame: WebSocketErrorFrame = {
    type: "error",
    status: e.status,
    error: { type: e.type, code: e.code, message: e.message, param: paramOf(e) },
  };
  if (e.retryAfter !== undefined) frame.headers = { "retry-after": String(Math.max(0, Math.ceil(e.retryAfter))) };
  return JSON.stringify(frame);
}
