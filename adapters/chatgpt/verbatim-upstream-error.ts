import { ShimError } from "../errors/shim-error.ts";

/**
 * An upstream HTTP error returned to Codex as the upstream sent it (status, body, content type).
 * Used for the ChatGPT passthrough, whose error bodies Codex understands natively (e.g. the
 * `usage_limit_reached` 429 gets Codex's own usage-limit message).
 */
export class VerbatimUpstreamError extends ShimError {
  readonly bodyText: string;
  readonly contentType: string;
  constructor(opts: { status: number; bodyText: string; contentType: string; message: string; code: string }) {
    super({ status: opts.status, code: opts.code, message: opts.message });
    this.bodyText = opts.bodyText;
    this.contentType = opts.contentType;
  }

  override toResponse(extraHeaders?: Record<string, string>): Response {
    return new Response(this.bodyText, { status: this.status, headers: { "content-type": this.contentType, ...extraHeaders } });
  }
}
