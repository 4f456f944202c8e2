// The Anthropic Messages request as clients (the official SDK, Claude Code) send it to
// POST /v1/messages, and the answer shapes the endpoint returns.

export interface MessagesTextBlock {
  type: "text";
  text: string;
  cache_control?: unknown;
}
export interface MessagesImageBlock {
  type: "image";
  source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };
}
export interface MessagesToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
}
export interface MessagesToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: string | (MessagesTextBlock | MessagesImageBlock | { type: string; [k: string]: unknown })[];
  is_error?: boolean;
}
export interface MessagesThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}
export type MessagesBlock =
  | MessagesTextBlock
  | MessagesImageBlock
  | MessagesToolUseBlock
  | MessagesToolResultBlock
  | MessagesThinkingBlock
  | { type: string; [k: string]: unknown };

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
  system?: string | MessagesTextBlock[];
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
