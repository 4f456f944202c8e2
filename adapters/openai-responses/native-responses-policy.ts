import type { ModelConfig } from "../settings/settings-types.ts";

/**
 * What a native Responses upstream can take, per settings row. The OpenAI API is the full
 * Responses API (stored responses, freeform `custom` tools, hosted tools); the others that serve
 * `/responses` (Ollama, OpenRouter, vLLM, LM Studio) are stateless and know only function tools
 * (docs/providers.md). Row settings `stateless`, `custom_tools` and `hosted_tools` override.
 */
export interface NativeResponsesPolicy {
  /** Never send `store: true` (nor `previous_response_id`, which the shim never forwards). */
  stateless: boolean;
  /** Send freeform tools (apply_patch) as `custom` tools; otherwise as a function with one `input` string. */
  customTools: boolean;
  /** Send hosted tools (web_search, image_generation, file_search, …); otherwise leave them out, noted. */
  hostedTools: boolean;
}

export function isOpenAiApi(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname.toLowerCase() === "api.openai.com";
  } catch {
    return false;
  }
}

export function nativeResponsesPolicy(m: Pick<ModelConfig, "baseUrl" | "stateless" | "customTools" | "hostedTools">): NativeResponsesPolicy {
  const openai = isOpenAiApi(m.baseUrl);
  return {
    stateless: m.stateless ?? !openai,
    customTools: m.customTools ?? openai,
    hostedTools: m.hostedTools ?? openai,
  };
}
