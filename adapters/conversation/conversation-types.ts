// The provider-neutral conversation: what a client's history (a Responses `input`, or an
// Anthropic Messages request) says, before any upstream wire is chosen. Built once per request
// by `convert-responses-input-to-conversation.ts` / `convert-messages-to-conversation.ts`, then
// rendered by the chat and Anthropic converters.

import type { AnthropicSignedBlock } from "../anthropic/anthropic-types.ts";

/** Text, with the C0 controls strict providers reject already stripped. */
export interface TextPart {
  type: "text";
  text: string;
}
/** An image by URL: `data:` (the string is shared, never copied) or `http(s)`. */
export interface ImagePart {
  type: "image";
  url: string;
  /** The client's `detail`, as sent (each renderer maps it to what its wire accepts); absent: none is sent. */
  detail?: unknown;
}
export type Part = TextPart | ImagePart;

/**
 * What a reasoning item carries, decoded once. Only a renderer knows whether it may replay it:
 * carried reasoning goes back only to the model that produced it.
 */
export type ReasoningCarrier =
  /** Chat-route reasoning (`reasoning_content`), and Gemini thought signatures by call id. */
  | { kind: "chat"; model: string; text: string; signatures?: Record<string, string> }
  /** Anthropic `thinking` / `redacted_thinking` blocks, byte-exact. */
  | { kind: "anthropic"; model: string; blocks: AnthropicSignedBlock[] }
  /** Thinking text a `/v1/messages` client sent back: from the model it is talking to. */
  | { kind: "client"; text: string }
  /** Someone else's encrypted reasoning (OpenAI's): never replayed. */
  | { kind: "opaque" }
  /** A summary only, nothing to replay. */
  | { kind: "none" };

/** A call's arguments: JSON text as the model wrote it, or an object the shim built. */
export type CallInput = { kind: "json"; text: string } | { kind: "object"; value: Record<string, unknown> };

export interface ToolResult {
  /** A string, or text and image parts in order (text parts may be empty strings). */
  output: string | Part[];
  /** The client marked the result as an error (Anthropic `is_error`). */
  isError?: boolean;
}

export interface ToolCall {
  callId: string;
  /** The Codex-side name (`local_shell`, `tool_search`, an MCP tool's own name …). */
  name: string;
  namespace?: string;
  input: CallInput;
  /** The first result with this call id in the history that directly follows the call; absent when none. */
  result?: ToolResult;
}

/** One thing the model produced, in history order. */
export type AssistantStep =
  /** One assistant message (or a note of hosted-tool use); parts are non-empty text. */
  | { type: "text"; parts: TextPart[] }
  | { type: "reasoning"; carrier: ReasoningCarrier }
  | { type: "tool_call"; call: ToolCall };

export interface SystemTurn {
  role: "system";
  /** Non-empty text parts. */
  parts: TextPart[];
}
export interface UserTurn {
  role: "user";
  /** Non-empty text and image parts; may be empty (an empty user message). */
  parts: Part[];
}
/**
 * Everything the model produced between two client-side items. Its calls' results are attached
 * to the calls; a renderer puts them right after the calls, in call order.
 */
export interface AssistantTurn {
  role: "assistant";
  steps: AssistantStep[];
}
export type Turn = SystemTurn | UserTurn | AssistantTurn;

export interface ConversationOptions {
  /** Request-log notes (what was dropped or repaired); each note is added once. */
  notes: string[];
}
