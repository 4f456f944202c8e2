// Wire shapes of the OpenAI Responses API as Codex 0.169 uses them (../shared/docs/codex-protocol.md §3–§6).

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export interface InputTextPart {
  type: "input_text";
  text: string;
}
export interface InputImagePart {
  type: "input_image";
  image_url?: string | { url: string };
  file_id?: string;
  detail?: string;
}
export interface OutputTextPart {
  type: "output_text";
  text: string;
  annotations?: unknown[];
}
export interface RefusalPart {
  type: "refusal";
  refusal: string;
}
export type ContentPart = InputTextPart | InputImagePart | OutputTextPart | RefusalPart | { type: string; [k: string]: unknown };

export interface MessageItem {
  type?: "message";
  id?: string;
  role: "user" | "assistant" | "system" | "developer";
  content: string | ContentPart[];
  status?: string;
  phase?: string;
}
export interface ReasoningItem {
  type: "reasoning";
  id?: string;
  summary?: { type: "summary_text"; text: string }[];
  content?: { type: "reasoning_text"; text: string }[] | null;
  encrypted_content?: string | null;
  status?: string;
}
export interface FunctionCallItem {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
  status?: string;
}
export type ToolOutput = string | (InputTextPart | InputImagePart | { type: string; [k: string]: unknown })[];
export interface FunctionCallOutputItem {
  type: "function_call_output";
  id?: string;
  call_id: string;
  output: ToolOutput;
}
export interface CustomToolCallItem {
  type: "custom_tool_call";
  id?: string;
  call_id: string;
  name: string;
  input: string;
  status?: string;
}
export interface CustomToolCallOutputItem {
  type: "custom_tool_call_output";
  id?: string;
  call_id: string;
  output: ToolOutput;
}
export interface OtherItem {
  type: string;
  [k: string]: unknown;
}
export type InputItem =
  | MessageItem
  | ReasoningItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | OtherItem;

export interface FunctionTool {
  type: "function";
  name: string;
  description?: string;
  strict?: boolean;
  parameters?: Record<string, unknown>;
}
export interface CustomTool {
  type: "custom";
  name: string;
  description?: string;
  format?: { type: string; syntax?: string; definition?: string };
}
export interface NamespaceTool {
  type: "namespace";
  name: string;
  description?: string;
  tools: (FunctionTool | CustomTool)[];
}
export type Tool = FunctionTool | CustomTool | NamespaceTool | { type: string; [k: string]: unknown };

export interface TextFormatJsonSchema {
  type: "json_schema";
  name?: string;
  schema: Record<string, unknown>;
  strict?: boolean;
}
export interface ResponsesRequest {
  model: string;
  input?: string | InputItem[];
  instructions?: string | null;
  stream?: boolean;
  tools?: Tool[];
  tool_choice?: string | { type: string; name?: string; [k: string]: unknown };
  parallel_tool_calls?: boolean;
  reasoning?: { effort?: ReasoningEffort; summary?: string } | null;
  text?: { verbosity?: string; format?: TextFormatJsonSchema | { type: string } };
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  store?: boolean;
  include?: string[];
  prompt_cache_key?: string;
  client_metadata?: Record<string, string>;
  service_tier?: string;
  [k: string]: unknown;
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface OutputMessageItem {
  type: "message";
  id: string;
  role: "assistant";
  status: "in_progress" | "completed" | "incomplete";
  content: (OutputTextPart | RefusalPart)[];
}
export interface OutputReasoningItem {
  type: "reasoning";
  id: string;
  status?: "in_progress" | "completed";
  summary: { type: "summary_text"; text: string }[];
  content?: { type: "reasoning_text"; text: string }[];
  encrypted_content?: string | null;
}
export interface OutputFunctionCallItem {
  type: "function_call";
  id: string;
  status: "in_progress" | "completed";
  call_id: string;
  name: string;
  namespace?: string;
  arguments: string;
}
export interface OutputCustomToolCallItem {
  type: "custom_tool_call";
  id: string;
  status: "in_progress" | "completed";
  call_id: string;
  name: string;
  input: string;
}
/** A hosted `local_shell` call, executed by the Codex client (codex-rs `ResponseItem::LocalShellCall`). */
export interface OutputLocalShellCallItem {
  type: "local_shell_call";
  id: string;
  call_id: string;
  status: "in_progress" | "completed";
  action: { type: "exec"; command: string[]; working_directory?: string; timeout_ms?: number; env?: Record<string, string> };
}
/** A compacted-context item (remote compaction v2 answer); Codex replays it verbatim. */
export interface OutputCompactionItem {
  type: "compaction";
  id: string;
  encrypted_content: string;
}
export type OutputItem = OutputMessageItem | OutputReasoningItem | OutputFunctionCallItem | OutputCustomToolCallItem | OutputLocalShellCallItem | OutputCompactionItem;

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponsesErrorBody {
  code: string;
  message: string;
}

/** A complete `ResponseResource` (Open Responses schema; `adapters/responses/build-response-resource.ts`). */
export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  completed_at: number | null;
  status: ResponseStatus;
  incomplete_details: { reason: string } | null;
  model: string;
  previous_response_id: string | null;
  instructions: string | null;
  output: OutputItem[];
  error: ResponsesErrorBody | null;
  tools: unknown[];
  tool_choice: string | { type: string; [k: string]: unknown };
  truncation: "auto" | "disabled";
  parallel_tool_calls: boolean;
  text: { format: { type: string; [k: string]: unknown }; verbosity?: string };
  top_p: number;
  presence_penalty: number;
  frequency_penalty: number;
  top_logprobs: number;
  temperature: number;
  reasoning: { effort: string | null; summary: string | null } | null;
  usage: ResponsesUsage | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  store: boolean;
  background: boolean;
  service_tier: string;
  metadata: Record<string, string> | null;
  safety_identifier: string | null;
  prompt_cache_key: string | null;
}
