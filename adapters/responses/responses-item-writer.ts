import type { OutputLocalShellCallItem, ResponsesUsage } from "./responses-types.ts";

/** A function call being streamed; `args` holds the argument deltas written so far. */
export interface FunctionCallSlot {
  readonly args: string[];
}

/** A custom (freeform) tool call whose place in the output is taken and whose input is still coming. */
export type CustomToolCallSlot = object;

/**
 * What a chat-chunk decoder writes: the items of one answer in Responses terms. The Responses
 * writer turns them into Responses SSE for Codex; the Anthropic SSE writer turns the same calls
 * into Messages SSE for `/v1/messages`, so one decoder (ChatStreamTranslator) serves both.
 */
export interface ResponsesItemWriter {
  readonly finished: boolean;
  /**
   * False while nothing a client can act on was written (text, a tool call): a decoder then fails
   * a "completed" empty answer rather than end the turn with nothing. A writer whose client
   * accepts an empty turn reports true.
   */
  readonly hasAnswer: boolean;
  readonly reasoningOpen: boolean;
  appendText(delta: string): void;
  appendRefusal(text: string): void;
  appendReasoning(delta: string): void;
  openReasoning(): void;
  /** `encryptedContent`: the carrier for the reasoning item, or a function of its text. */
  closeReasoning(encryptedContent?: string | null | ((text: string) => string | null)): void;
  openFunctionCall(callId: string, name: string, namespace?: string): FunctionCallSlot;
  appendFunctionArgs(h: FunctionCallSlot, delta: string): void;
  /** `finalArguments` replaces the streamed text when the decoder repaired it. */
  closeFunctionCall(h: FunctionCallSlot, finalArguments?: string): void;
  openCustomToolCall(callId: string, name: string): CustomToolCallSlot;
  closeCustomToolCall(h: CustomToolCallSlot, input: string): void;
  emitLocalShellCall(callId: string, action: OutputLocalShellCallItem["action"]): void;
  emitCompaction(encryptedContent: string): void;
  complete(usage?: ResponsesUsage | null): void;
  incomplete(reason: string, usage?: ResponsesUsage | null): void;
  fail(code: string, message: string): void;
}
