import { DEFAULT_TIMEOUTS } from "../settings/settings-types.ts";
import type { Transport } from "../transport/upstream-transport.ts";
import { mapUpstreamNetworkError } from "../errors/map-upstream-http-error.ts";
import { chatgptUpstreamModel } from "./chatgpt-slugs.ts";
import { chatgptBaseUrl, chatgptDisabled } from "./chatgpt-env.ts";
import { readCodexAuth } from "./read-codex-auth.ts";
import { chatgptBody, chatgptHeaders } from "./chatgpt-request.ts";
import { chatgptLoginRequired } from "./chatgpt-passthrough-route.ts";

/** Every `"model": <upstream>` value (at any depth) → the slug the client asked for. */
export function rewriteModels(v: unknown, from: string, to: string): unknown {
  if (Array.isArray(v)) return v.map((x) => rewriteModels(x, from, to));
  if (!v || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = k === "model" && x === from ? to : rewriteModels(x, from, to);
  return out;
}

/**
 * `/v1/responses/compact` for a ChatGPT passthrough slug: forwarded to the native
 * `{base}/responses/compact` (no `stream`), errors passed through. undefined = not a passthrough
 * slug (the BYOK compaction handles it).
 */
export async function forwardChatgptCompact(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, transport: Transport, signal: AbortSignal): Promise<Response | undefined> {
  const slug = typeof raw.model === "string" ? raw.model : "";
  if (!slug || chatgptDisabled(env)) return undefined;
  const upstream = chatgptUpstreamModel(slug, env);
  if (!upstream) return undefined;
  const auth = readCodexAuth(env);
  if (!auth.ok) return chatgptLoginRequired(slug, auth.reason).toResponse();
  const body = chatgptBody(raw, upstream);
  delete body.stream;
  const url = `${chatgptBaseUrl(env)}/responses/compact`;
  let res: Response;
  try {
    res = await transport.send({ url, headers: chatgptHeaders(auth, raw, "application/json"), body: JSON.stringify(body), timeouts: DEFAULT_TIMEOUTS }, signal);
  } catch (e) {
    return mapUpstreamNetworkError(e, url, slug).toResponse();
  }
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "application/json";
  if (!res.ok || slug === upstream) return new Response(text, { status: res.status, headers: { "content-type": type } });
  try {
    return Response.json(rewriteModels(JSON.parse(text), upstream, slug));
  } catch {
    return new Response(text, { status: res.status, headers: { "content-type": type } });
  }
}
