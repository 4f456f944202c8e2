import { ShimError } from "../errors/shim-error.ts";
import { upstreamErrorMessage } from "../errors/map-upstream-http-error.ts";
import { redactSecrets } from "../errors/redact-secrets.ts";
import type { PreparedUpstream, RouteContext, UpstreamRoute } from "../routes/upstream-route.ts";
import { readCodexAuth } from "./read-codex-auth.ts";
import { chatgptBaseUrl } from "./chatgpt-env.ts";
import { chatgptBody, chatgptHeaders } from "./chatgpt-request.ts";
import { createRelayTranslator, ResponsesRelayWriter } from "../responses/responses-relay-writer.ts";
import { VerbatimUpstreamError } from "./verbatim-upstream-error.ts";
import { encodeJsonBody } from "../transport/encode-json-body.ts";

export const CODEX_LOGIN_HINT = "run `codex login` (ChatGPT sign-in), then retry";

/**
 * A fatal (HTTP 400) answer for a passthrough slug without a ChatGPT login. Codex retries 401
 * six times and then prints "unexpected status 401" (codex-protocol §7); a 400 stops at once
 * and shows this message.
 */
export function chatgptLoginRequired(slug: string, reason: string): ShimError {
  return new ShimError({
    status: 400,
    code: "chatgpt_login_required",
    type: "authentication_error",
    message: `Model ${slug} goes through your ChatGPT subscription, but there is no ChatGPT login (${reason}): ${CODEX_LOGIN_HINT}.`,
  });
}

/**
 * The ChatGPT/Codex subscription passthrough: Codex's native Responses request, model swapped,
 * to `$CODEX_SHIM_CHATGPT_BASE_URL/responses` with the login read at request time; the answer
 * streams back unmodified apart from the model name.
 */
export function chatgptPassthroughRoute(env: NodeJS.ProcessEnv): UpstreamRoute {
  return {
    kind: "chatgpt",
    prepare(ctx: RouteContext): PreparedUpstream {
      const auth = readCodexAuth(env);
      if (!auth.ok) throw chatgptLoginRequired(ctx.requestedSlug, auth.reason);
      const raw = ctx.request as unknown as Record<string, unknown>;
      const streaming = raw.stream === true;
      const body = chatgptBody(raw, ctx.model.model);
      const override = ctx.requestedSlug !== ctx.model.model ? ctx.requestedSlug : null;
      return {
        request: {
          url: `${chatgptBaseUrl(env)}/responses`,
          headers: chatgptHeaders(auth, raw, streaming ? "text/event-stream" : "application/json"),
          body: encodeJsonBody(body, "input"),
          timeouts: ctx.model.timeouts,
        },
        createOutput({ responseId, echo }) {
          const writer = new ResponsesRelayWriter({ responseId, modelOverride: override, echo });
          return { writer, translator: createRelayTranslator(writer) };
        },
      };
    },
    mapHttpError(ctx, f) {
      const secrets = [...f.secrets];
      if (f.status === 401 || f.status === 403) {
        const detail = redactSecrets(upstreamErrorMessage(f.bodyText), secrets);
        return new ShimError({
          status: 400,
          code: "chatgpt_auth_rejected",
          type: "authentication_error",
          message: `ChatGPT rejected the Codex login for ${ctx.requestedSlug} (HTTP ${f.status}: ${detail}): ${CODEX_LOGIN_HINT}.`,
        });
      }
      return new VerbatimUpstreamError({
        status: f.status,
        bodyText: f.bodyText,
        contentType: f.headers.get("content-type") ?? "text/plain; charset=utf-8",
        code: `upstream_http_${f.status}`,
        message: `ChatGPT answered HTTP ${f.status} for ${ctx.requestedSlug}`,
      });
    },
  };
}
