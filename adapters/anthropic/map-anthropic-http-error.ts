import { ShimError } from "../errors/shim-error.ts";
import { mapUpstreamHttpError, upstreamErrorMessage, type UpstreamHttpFailure } from "../errors/map-upstream-http-error.ts";
import { classifyUpstreamStreamError } from "../errors/classify-stream-error.ts";
import { redactSecrets } from "../errors/redact-secrets.ts";
import type { AnthropicErrorBody } from "./anthropic-types.ts";

const CONTEXT = /prompt is too long|too many tokens|context (?:window|length)|exceeds? the (?:model'?s? )?(?:context|maximum)/i;
const BILLING = /credit balance is too low|billing|insufficient[_ ]quota|payment/i;

/**
 * An Anthropic error object (from an `error` stream event or a JSON error body) → the
 * `response.failed` code Codex acts on (codex-protocol §7). Overloaded and api errors become
 * `server_error`, which Codex retries (`server_is_overloaded` would be fatal); rate limits get a
 * "try again in" hint Codex honours; context overflow becomes `context_length_exceeded`;
 * invalid/auth/permission errors are fatal and shown verbatim with `where` appended.
 */
export function classifyAnthropicError(err: AnthropicErrorBody | undefined | null, where: string): { code: string; message: string } {
  const type = typeof err?.type === "string" ? err.type : "";
  const raw = redactSecrets(typeof err?.message === "string" && err.message ? err.message : type || "The upstream reported an error.");
  switch (type) {
    case "overloaded_error":
      return { code: "server_error", message: `Anthropic upstream overloaded (${where}): ${raw}` };
    case "api_error":
    case "timeout_error":
      return { code: "server_error", message: `Anthropic upstream error (${where}): ${raw}` };
    case "rate_limit_error":
      return { code: "rate_limit_exceeded", message: `Rate limited by ${where}: ${raw}${/try again in/i.test(raw) ? "" : " Please try again in 5s."}` };
    case "billing_error":
      return { code: "insufficient_quota", message: `Billing problem for ${where}: ${raw}` };
    case "invalid_request_error":
    case "request_too_large":
      if (CONTEXT.test(raw)) return { code: "context_length_exceeded", message: raw };
      if (BILLING.test(raw)) return { code: "insufficient_quota", message: `Billing problem for ${where}: ${raw}` };
      return { code: "invalid_prompt", message: `Upstream rejected the request (${where}): ${raw}` };
    case "authentication_error":
    case "permission_error":
      return { code: "invalid_prompt", message: `Upstream refused the credentials for ${where}: ${raw}. Check the API key configured for this model.` };
    case "not_found_error":
      return { code: "invalid_prompt", message: `Upstream did not find the model (${where}): ${raw}. Check the model name and base_url.` };
    default: {
      const c = classifyUpstreamStreamError({ type, message: raw });
      return { code: c.code, message: `${c.message} (${where})` };
    }
  }
}

/**
 * Upstream HTTP error → shim error. The shared mapping already does 429 + Retry-After,
 * context overflow, 529 → retryable 503 and "model X at URL" for 401/403; Anthropic reports an
 * empty credit balance as HTTP 400, which must become the quota error Codex shows as such.
 */
export function mapAnthropicHttpError(f: UpstreamHttpFailure): ShimError {
  if (f.status === 400 && BILLING.test(f.bodyText) && !CONTEXT.test(f.bodyText)) {
    const detail = redactSecrets(upstreamErrorMessage(f.bodyText), f.secrets);
    return new ShimError({ status: 429, code: "insufficient_quota", type: "insufficient_quota", message: `Upstream quota exhausted for model ${f.modelSlug} at ${f.url}: ${detail}` });
  }
  return mapUpstreamHttpError(f);
}
