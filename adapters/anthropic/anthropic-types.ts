// Wire shapes of the Anthropic Messages API (POST /v1/messages, anthropic-version 2023-06-01) as
// the shim sends and reads them.

export interface CacheControl {
  type: "ephemeral";
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
