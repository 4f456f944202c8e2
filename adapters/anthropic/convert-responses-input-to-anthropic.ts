import type { ResponsesRequest } from "../responses/responses-types.ts";
import { convertResponsesInputToConversation } from "../conversation/convert-responses-input-to-conversation.ts";
import { renderAnthropicMessages, type AnthropicConversation, type AnthropicRenderOptions } from "./render-anthropic-messages.ts";

export type AnthropicInputOptions = AnthropicRenderOptions;

/**
 * Responses `instructions` + `input` → Anthropic `system` + `messages`: the neutral conversation
 * step (turns, tool results paired with their calls, thinking carriers decoded) rendered to the
 * Messages wire (`renderAnthropicMessages`).
 */
export function convertResponsesInputToAnthropic(req: Pick<ResponsesRequest, "instructions" | "input">, opts: AnthropicInputOptions): AnthropicConversation {
  return renderAnthropicMessages(convertResponsesInputToConversation(req, opts), opts);
}
