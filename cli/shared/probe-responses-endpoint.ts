import { request } from "undici";
import type { ModelConfig } from "../../adapters/settings/settings-types.ts";
import { isLoopbackUrl } from "../../adapters/settings/resolve-api-key.ts";
import { joinUpstreamUrl } from "../../adapters/transport/join-upstream-url.ts";

export type ResponsesProbe =
  | { ok: true; status: number }
  | { ok: false; reason: string; hint: string };

/**
 * Does a local server serve the Responses API at `{base}/responses`? An empty JSON body costs no
 * inference: a Responses server answers 4xx validation (or 2xx), a server without the endpoint
 * 404/405, a stopped one refuses the connection. Only loopback servers are probed (no key, no cost).
 */
export async function probeResponsesEndpoint(m: Pick<ModelConfig, "baseUrl">, timeoutMs = 2000): Promise<ResponsesProbe | null> {
  if (!isLoopbackUrl(m.baseUrl)) return null;
  const url = joinUpstreamUrl(m.baseUrl, "/responses");
  try {
    const res = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}", headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.dump();
    if (res.statusCode === 404 || res.statusCode === 405)
      return { ok: false, reason: `${url} answered HTTP ${res.statusCode}: this server does not serve the Responses API`, hint: 'Use provider "generic-chat-completion-api" (chat completions) for it, or a server version with /v1/responses' };
    return { ok: true, status: res.statusCode };
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as Error).message;
    return { ok: false, reason: `${url} is not reachable (${code})`, hint: "Start the local server (e.g. `ollama serve`), or fix base_url" };
  }
}
