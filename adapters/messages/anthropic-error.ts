import { ShimError } from "../errors/shim-error.ts";

/** Anthropic's error `type` for an HTTP status (the grammar its SDKs map to exception classes). */
export function anthropicErrorType(status: number): string {
  if (status === 400 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status === 529 || status === 503) return "overloaded_error";
  if (status === 504) return "timeout_error";
  return "api_error";
}

/** The error `type` for a Responses failure code raised after the stream started. */
export function anthropicErrorTypeForCode(code: string): string {
  if (code === "rate_limit_exceeded" || code === "insufficient_quota") return "rate_limit_error";
  if (code === "context_length_exceeded" || code === "invalid_prompt" || code === "invalid_request") return "invalid_request_error";
  if (code === "upstream_overloaded" || code === "server_is_overloaded") return "overloaded_error";
  return "api_error";
}

export function anthropicErrorBody(type: string, message: string, requestId?: string): { type: "error"; error: { type: string; message: string }; request_id?: string } {
  const body: { type: "error"; error: { type: string; message: string }; request_id?: string } = { type: "error", error: { type, message } };
  if (requestId) body.request_id = requestId;
  return body;
}

/** Any ShimError as Anthropic's error JSON, keeping its status and Retry-After. */
export function anthropicErrorResponse(err: ShimError, headers: Record<string, string> = {}): Response {
  if (err instanceof AnthropicShapedError) return err.toResponse(headers);
  const h: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...headers };
  if (err.retryAfter !== undefined) h["retry-after"] = String(Math.max(0, Math.ceil(err.retryAfter)));
  return new Response(JSON.stringify(anthropicErrorBody(anthropicErrorType(err.status), err.message)), { status: err.status, headers: h });
}

/** An error whose Anthropic body is already known (an upstream's own, or with a request id). */
export class AnthropicShapedError extends ShimError {
  readonly bodyText: string;
  readonly contentType: string;
  readonly extraHeaders: Record<string, string>;
  constructor(o: { status: number; bodyText: string; contentType?: string; message: string; code: string; headers?: Record<string, string> }) {
    super({ status: o.status, code: o.code, message: o.message });
    this.bodyText = o.bodyText;
    this.contentType = o.contentType ?? "application/json; charset=utf-8";
    this.extraHeaders = o.headers ?? {};
  }

  override toResponse(extra?: Record<string, string>): Response {
    return new Response(this.bodyText, { status: this.status, headers: { "content-type": this.contentType, ...this.extraHeaders, ...extra } });
  }
}
