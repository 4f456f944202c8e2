// OpenAI chat-completions wire shapes (the subset gateways and compatible providers use).

export interface ChatTextPart {
  type: "text";
  text: string;
}
export interface ChatImagePart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}
export type ChatContentPart = ChatTextPart | ChatImagePart;

/** Gemini's OpenAI endpoint: the call's thought signature, which must be sent back with it. */
export interface GoogleExtraContent {
  google?: { thought_signature?: string };
}
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  extra_content?: GoogleExtraContent;
}

export interface ChatSystemMessage {
  role: "system";
  content: string;
}
export interface ChatUserMessage {
  role: "user";
  content: string | ChatContentPart[];
}
export interface ChatAssistantMessage {
  role: "assistant";
  content: string | null;
  tool_calls?: ChatToolCall[];
  /** DeepSeek-style thinking, replayed on tool-call turns. */
  reasoning_content?: string;
}
export interface ChatToolMessage {
  role: "tool";
  tool_call_id: string;
  content: string | ChatContentPart[];
}
export type ChatMessage = ChatSystemMessage | ChatUserMessage | ChatAssistantMessage | ChatToolMessage;

export interface ChatFunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  tools?: ChatFunctionTool[];
  tool_choice?: "auto" | "none" | "required" | { type: "function"; function: { name: string } };
  parallel_tool_calls?: boolean;
  reasoning_effort?: string;
  max_tokens?: number;
  /** OpenAI's replacement for max_tokens (required by its reasoning models). */
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  response_format?: { type: "json_schema"; json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean } } | { type: "json_object" };
  verbosity?: string;
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek */
  prompt_cache_hit_tokens?: number;
  /** Moonshot and others */
  cached_tokens?: number;
}

export interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  type?: "function";
  function?: { name?: string | null; arguments?: string | null };
  extra_content?: GoogleExtraContent | null;
}

export interface ChatChunkChoice {
  index?: number;
  delta?: {
    role?: string;
    /** A string; Mistral/Magistral send an array of `text` and `thinking` parts instead. */
    content?: string | ChatDeltaContentPart[] | null;
    reasoning_content?: string | null;
    reasoning?: string | null;
    refusal?: string | null;
    tool_calls?: ChatToolCallDelta[] | null;
  };
  /** Non-streaming responses use `message` instead of `delta`. */
  message?: ChatChunkChoice["delta"];
  finish_reason?: string | null;
}

export type ChatDeltaContentPart =
  | { type: "text"; text?: string }
  | { type: "thinking"; thinking?: string | { type?: string; text?: string }[] }
  | { type: string; [k: string]: unknown };

export interface ChatChunk {
  id?: string;
  choices?: ChatChunkChoice[];
  usage?: ChatUsage | null;
  /** Groq puts usage here. */
  x_groq?: { usage?: ChatUsage | null } | null;
  error?: { message?: string; code?: string | number; type?: string } | string;
}
