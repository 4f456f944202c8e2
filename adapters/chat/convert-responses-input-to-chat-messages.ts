import type { ResponsesRequest } from "../responses/responses-types.ts";
import { convertResponsesInputToConversation } from "../conversation/convert-responses-input-to-conversation.ts";
import type { ChatMessage } from "./chat-types.ts";
import { renderChatMessages, type ChatRenderOptions } from "./render-chat-messages.ts";

export type InputConversionOptions = ChatRenderOptions;

/**
 * Responses `instructions` + `input` → chat messages: the neutral conversation step (turns, tool
 * results paired with their calls, reasoning decoded) rendered to the chat wire. The rules are
 * in `convertResponsesInputToConversation` and `renderChatMessages`.
 */
export function convertResponsesInputToChatMessages(req: Pick<ResponsesRequest, "instructions" | "input">, opts: InputConversionOptions): ChatMessage[] {
  return renderChatMessages(convertResponsesInputToConversation(req, opts), opts);
}
