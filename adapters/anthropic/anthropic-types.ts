// Wire shapes of the Anthropic Messages API (POST /v1/messages, anthropic-version 2023-06-01):
// what the shim sends to Anthropic upstreams and reads back, and what clients of the shim's own
// POST /v1/messages endpoint send and get (the last section; client requests are looser).

import { kindSet } from "../tools/kind-set.ts";

export interface CacheControl {
  type: "ephemeral";
  ttl?: string;
}

export interface AnthropicTextBlock {
  type: "text";
  text: string;
  cache_control?: CacheControl;
}
export type AnthropicImageSource = { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
export interface AnthropicImageBlock {
  type: "image";
  source: AnthropicImageSource;
  cache_control?: CacheControl;
}
export interface AnthropicThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}
export interface AnthropicRedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}
export type AnthropicSignedBlock = AnthropicThinkingBlock | AnthropicRedactedThinkingBlock;
export interface AnthropicToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: CacheControl;
}
export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | (AnthropicTextBlock | AnthropicImageBlock)[];
  is_error?: boolean;
  cache_control?: CacheControl;
}

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicTextBlock | AnthropicSignedBlock | AnthropicToolUseBlock;
export type AnthropicContentBlock = AnthropicUserBlock | AnthropicAssistantBlock;

export type AnthropicMessage = { role: "user"; content: AnthropicUserBlock[] } | { role: "assistant"; content: AnthropicAssistantBlock[] };

export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  cache_control?: CacheControl;
}

export type AnthropicToolChoice =
  | { type: "auto" | "any"; disable_parallel_tool_use?: boolean }
  | { type: "none" }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };

export type AnthropicThinkingConfig = { type: "enabled"; budget_tokens: number } | { type: "adaptive" };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  system?: AnthropicTextBlock[];
  messages: AnthropicMessage[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinkingConfig;
  output_config?: { effort: "low" | "medium" | "high" | "max" };
  temperature?: number;
  top_p?: number;
  stream: boolean;
}

// ---- responses and stream events ----------------------------------------------------------

export interface AnthropicUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
  [k: string]: unknown;
}

export interface AnthropicErrorBody {
  type?: string;
  message?: string;
}

/** A content block as it appears in `content_block_start` or a whole (non-streaming) Message. */
export interface AnthropicResponseBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface AnthropicMessageResponse {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content?: AnthropicResponseBlock[];
  stop_reason?: string | null;
  stop_details?: { type?: string; category?: string; explanation?: string } | null;
  usage?: AnthropicUsage;
  /** Present on error bodies (`{"type":"error","error":{…}}`). */
  error?: AnthropicErrorBody;
}

export interface AnthropicBlockDelta {
  type: string;
  text?: string;
  partial_json?: string;
  thinking?: string;
  signature?: string;
}

export type AnthropicStreamEvent =
  | { type: "message_start"; message: AnthropicMessageResponse }
  | { type: "content_block_start"; index: number; content_block: AnthropicResponseBlock }
  | { type: "content_block_delta"; index: number; delta: AnthropicBlockDelta }
  | { type: "content_block_stop"; index: number }
  | { type: "message_delta"; delta: { stop_reason?: string | null; stop_details?: AnthropicMessageResponse["stop_details"] }; usage?: AnthropicUsage }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error: AnthropicErrorBody };

// ---- the shim's own /v1/messages endpoint (clients: the official SDK, Claude Code) ----------

export interface MessagesToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
}
export interface MessagesToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | (AnthropicTextBlock | AnthropicImageBlock | UnknownMessagesBlock)[];
  is_error?: boolean;
}
export interface MessagesThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}
/** A block the chat path does not translate (documents, server tool blocks, new kinds). */
export interface UnknownMessagesBlock {
  type: string;
  [k: string]: unknown;
}
export type KnownMessagesBlock = AnthropicTextBlock | AnthropicImageBlock | MessagesToolUseBlock | MessagesToolResultBlock | MessagesThinkingBlock | AnthropicRedactedThinkingBlock;
export type MessagesBlock = KnownMessagesBlock | UnknownMessagesBlock;

const KNOWN_BLOCK_TYPES = kindSet<KnownMessagesBlock["type"]>()(["text", "image", "tool_use", "tool_result", "thinking", "redacted_thinking"]);

/** Narrows a client block to the kinds the shim translates. */
export function isKnownMessagesBlock(b: MessagesBlock): b is KnownMessagesBlock {
  return KNOWN_BLOCK_TYPES.has(b.type);
}

export interface MessagesMessage {
  role: "user" | "assistant";
  content: string | MessagesBlock[];
}

export interface MessagesTool {
  /** Absent (or "custom") for client tools; Anthropic server tools carry a versioned type. */
  type?: string;
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface MessagesRequest {
  model: string;
  max_tokens?: number;
  system?: string | AnthropicTextBlock[];
  messages: MessagesMessage[];
  tools?: MessagesTool[];
  tool_choice?: { type: "auto" | "any" | "none"; disable_parallel_tool_use?: boolean } | { type: "tool"; name: string; disable_parallel_tool_use?: boolean };
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  thinking?: { type: "enabled"; budget_tokens: number } | { type: "disabled" } | { type: "adaptive" };
  output_config?: { effort?: string };
  metadata?: unknown;
}

export type MessagesStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal" | "pause_turn";

export interface MessagesUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export type MessagesResponseBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: unknown };

export interface MessagesResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: MessagesResponseBlock[];
  stop_reason: MessagesStopReason | null;
  stop_sequence: string | null;
  usage: MessagesUsage;
}
