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

/** A 400 (or another status) about one message, naming the field when there is one. */
export function badMessage(code: string, message: string, param?: string, status = 400): ShimError {
  return new ShimError({ status, code, message, param });
}

/** `input[3].role must be a string` → `input[3].role`, for validators that do not set `param`. */
function paramOf(e: ShimError): string | null {
  if (e.param !== undefined) return e.param;
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
