import type { ModelConfig } from "../settings/settings-types.ts";
import type { Transport } from "../transport/upstream-transport.ts";
import { joinUpstreamUrl } from "../transport/join-upstream-url.ts";
import { ParamRetry } from "../transport/unsupported-params.ts";
import { chatHeaders } from "../chat/chat-route.ts";
import { anthropicHeaders } from "../anthropic/anthropic-route.ts";
import { redactSecrets } from "../errors/redact-secrets.ts";
import { upstreamErrorMessage } from "../errors/map-upstream-http-error.ts";
import type { RouteContext } from "../routes/upstream-route.ts";

export interface ClassifierReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** A failed classifier call; the message names the model and never holds the key. */
export class ClassifierError extends Error {
  override name = "ClassifierError";
}

interface ChatReply {
  choices?: { message?: { content?: unknown } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}
interface ResponsesReply {
  output?: { type?: string; content?: { type?: string; text?: unknown }[] }[];
}
interface AnthropicReply {
  content?: { type?: string; text?: unknown }[];
  usage?: { input_tokens?: number; output_tokens?: number };
}

function chatText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("");
  return "";
}

/**
 * One non-streaming classifier call through the shared Transport (reference-behavior §8.2:
 * chat `{stream:false, temperature:0, max_tokens, messages:[system, user]}`, or Anthropic
 * `{max_tokens, system, messages:[user]}`, or for a native Responses row `{instructions, input,
 * max_output_tokens, stream:false, store:false}`). Fields the upstream rejects (`temperature` on
 * reasoning models, `max_tokens` → `max_completion_tokens`) are stripped and retried like a normal
 * request's. Bounded by `timeoutMs` in total.
 */
export async function callClassifier(o: {
  transport: Transport;
  model: ModelConfig;
  apiKey: string;
  system: string;
  user: string;
  maxTokens: number;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<ClassifierReply> {
  const wire = o.model.provider === "anthropic" ? "anthropic" : o.model.provider === "openai-responses" ? "responses" : "chat";
  const ctx = { model: o.model, apiKey: o.apiKey } as RouteContext;
  const headers = { ...(wire === "anthropic" ? anthropicHeaders(ctx) : chatHeaders(ctx)), accept: "application/json" };
  const url = joinUpstreamUrl(o.model.baseUrl, wire === "anthropic" ? "/messages" : wire === "responses" ? "/responses" : "/chat/completions");
  const payload =
    wire === "anthropic"
      ? { model: o.model.model, max_tokens: o.maxTokens, system: o.system, messages: [{ role: "user", content: o.user }] }
      : wire === "responses"
        ? { model: o.model.model, stream: false, store: false, instructions: o.system, input: [{ role: "user", content: o.user }], max_output_tokens: o.maxTokens }
        : { model: o.model.model, stream: false, temperature: 0, max_tokens: o.maxTokens, messages: [{ role: "system", content: o.system }, { role: "user", content: o.user }] };
  const retry = ParamRetry.forWire(wire, o.model);
  let body = retry.applyRemembered(JSON.stringify(payload));
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const where = `classifier ${o.model.slug}`;
  try {
    for (;;) {
      const res = await o.transport.send({ url, headers, body, timeouts: o.model.timeouts }, signal);
      const text = await res.text();
      if (!res.ok) {
        const step = retry.next(res.status, text, body);
        if (step) {
          body = step.body;
          continue;
        }
        throw new ClassifierError(`${where} answered HTTP ${res.status}: ${redactSecrets(upstreamErrorMessage(text), [o.apiKey]).slice(0, 200)}`);
      }
      let j: ChatReply & AnthropicReply & ResponsesReply;
      try {
        j = JSON.parse(text) as ChatReply & AnthropicReply & ResponsesReply;
      } catch {
        throw new ClassifierError(`${where} answered with a body that is not JSON`);
      }
      const textOf = (parts: { type?: string; text?: unknown }[] | undefined, type: string) => (parts ?? []).map((b) => (b?.type === type && typeof b.text === "string" ? b.text : "")).join("");
      if (wire === "anthropic") return { text: textOf(j.content, "text"), inputTokens: j.usage?.input_tokens ?? 0, outputTokens: j.usage?.output_tokens ?? 0 };
      if (wire === "responses") {
        const out = (j.output ?? []).filter((i) => i?.type === "message").map((i) => textOf(i.content, "output_text")).join("");
        return { text: out, inputTokens: j.usage?.input_tokens ?? 0, outputTokens: j.usage?.output_tokens ?? 0 };
      }
      return { text: chatText(j.choices?.[0]?.message?.content), inputTokens: j.usage?.prompt_tokens ?? 0, outputTokens: j.usage?.completion_tokens ?? 0 };
    }
  } catch (e) {
    if (e instanceof ClassifierError) throw e;
    if (timeout.aborted) throw new ClassifierError(`${where} timed out after ${o.timeoutMs} ms`);
    if (o.signal?.aborted) throw new ClassifierError(`${where} call abandoned (client left)`);
    throw new ClassifierError(`${where} unreachable: ${redactSecrets(String((e as Error)?.message ?? e), [o.apiKey])}`);
  }
}
