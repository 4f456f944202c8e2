import type { CodexAuth } from "./read-codex-auth.ts";
import { stripForeignReasoning } from "./strip-foreign-reasoning.ts";

/**
 * Headers the ChatGPT Codex endpoint expects (reference-behavior §7.2). `chatgpt-account-id` only
 * when the login has one (never an empty header); `session_id` is Codex's thread id, which Codex
 * also sends as `prompt_cache_key`.
 */
export function chatgptHeaders(auth: Extract<CodexAuth, { ok: true }>, body: Record<string, unknown>, accept: string): Record<string, string> {
  const h: Record<string, string> = {
    authorization: `Bearer ${auth.accessToken}`,
    "content-type": "application/json",
    accept,
    "openai-beta": "responses=2026-02-06",
    originator: "codex_cli_rs",
  };
  if (auth.accountId) h["chatgpt-account-id"] = auth.accountId;
  if (typeof body.prompt_cache_key === "string" && body.prompt_cache_key) h.session_id = body.prompt_cache_key;
  return h;
}

/**
 * Codex's payload as it came, with only `model` changed (and shim-made reasoning dropped).
 * `store` is always false upstream: the ChatGPT Codex endpoint refuses stored responses, and the
 * shim keeps `store: true` responses itself (previous_response_id is resolved before this).
 */
export function chatgptBody(body: Record<string, unknown>, upstreamModel: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, model: upstreamModel };
  out.store = false;
  if (Array.isArray(body.input)) out.input = stripForeignReasoning(body.input);
  return out;
}
