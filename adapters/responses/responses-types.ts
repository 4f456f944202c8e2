// Wire shapes of the OpenAI Responses API as Codex 0.169 uses them (../shared/docs/codex-protocol.md §3–§6).

import { kindSet } from "../tools/kind-set.ts";

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
/** Chat-style spellings some clients use inside Responses content. */
export interface PlainTextPart {
  type: "text";
  text: string;
}
export interface ImageUrlPart {
  type: "image_url";
  image_url?: string | { url: string };
  url?: string;
  detail?: string;
}
export type KnownContentPart = InputTextPart | InputImagePart | OutputTextPart | RefusalPart | PlainTextPart | ImageUrlPart;
/** A part type the shim does not translate (`input_file`, new kinds): skipped, never a crash. */
export interface UnknownContentPart {
  type: string;
  [k: string]: unknown;
}
export type ContentPart = KnownContentPart | UnknownContentPart;

const KNOWN_PART_TYPES = kindSet<KnownContentPart["type"]>()(["input_text", "input_image", "output_text", "refusal", "text", "image_url"]);

/** Narrows a part to the kinds the converters translate (validation checked their fields). */
export function isKnownContentPart(p: ContentPart): p is KnownContentPart {
  return KNOWN_PART_TYPES.has(p.type);
}

export interface MessageItem {
  type?: "message";
  id?: string;
  role: "user" | "assistant" | "system" | "developer";
  content?: string | ContentPart[] | null;
  status?: string;
  phase?: string;
}
export interface ReasoningItem {
  type: "reasoning";
  id?: string;
  summary?: { type: "summary_text"; text: string }[];
  content?: { type: "reasoning_text"; text: string }[] | null;
  /** Opaque to Codex; the shim's carriers (chat reasoning, Anthropic thinking) ride here. */
  encrypted_content?: unknown;
  status?: string;
}
export interface FunctionCallItem {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  namespace?: string;
  arguments?: string;
  status?: string;
}
export type ToolOutput = string | ContentPart[];
export interface FunctionCallOutputItem {
  type: "function_call_output";
  id?: string;
  call_id: string;
  output?: ToolOutput;
}
export interface CustomToolCallItem {
  type: "custom_tool_call";
  id?: string;
  call_id: string;
  name: string;
  input?: string;
  status?: string;
}
export interface CustomToolCallOutputItem {
  type: "custom_tool_call_output";
  id?: string;
  call_id: string;
  output?: ToolOutput;
}
/** A hosted `local_shell` call from history (codex-rs `ResponseItem::LocalShellCall`); ids may be absent. */
export interface LocalShellCallItem {
  type: "local_shell_call";
  id?: unknown;
  call_id?: unknown;
  status?: string;
  action?: { type?: string; command?: unknown; working_directory?: unknown; timeout_ms?: unknown } | null;
}
export interface LocalShellCallOutputItem {
  type: "local_shell_call_output";
  id?: unknown;
  call_id?: unknown;
  output?: ToolOutput;
}
export interface ToolSearchCallItem {
  type: "tool_search_call";
  id?: unknown;
  call_id?: unknown;
  arguments?: unknown;
}
export interface ToolSearchOutputItem {
  type: "tool_search_output";
  call_id?: unknown;
  tools?: unknown;
}
export interface WebSearchCallItem {
  type: "web_search_call";
  id?: string;
  action?: { type?: string; query?: unknown; url?: unknown } | null;
}
export interface ImageGenerationCallItem {
  type: "image_generation_call";
  id?: string;
  revised_prompt?: unknown;
}
/** A compacted-context item; only the shim's own carrier (`codex-shim:compaction:v1:`) is readable. */
export interface CompactionInputItem {
  type: "compaction" | "compaction_summary";
  id?: string;
  encrypted_content?: unknown;
}
/** Remote compaction v2: "summarize the history above". */
export interface CompactionTriggerItem {
  type: "compaction_trigger";
}
/** A bare content part used as an item (older clients): a user message of one part. */
export interface InputPartItem {
  type: "input_text" | "input_image";
  text?: string;
  image_url?: string | { url: string };
  detail?: string;
}
export type KnownInputItem =
  | MessageItem
  | ReasoningItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | LocalShellCallItem
  | LocalShellCallOutputItem
  | ToolSearchCallItem
  | ToolSearchOutputItem
  | WebSearchCallItem
  | ImageGenerationCallItem
  | CompactionInputItem
  | CompactionTriggerItem
  | InputPartItem;
/**
 * An item type the shim does not translate (`item_reference`, `configuration_update`, kinds
 * newer Codex builds add): it passes validation and is dropped with a note, never a crash.
 * Narrow with `isKnownInputItem` before switching on `type`.
 */
export interface UnknownInputItem {
  type: string;
  [k: string]: unknown;
}
export type InputItem = KnownInputItem | UnknownInputItem;

const KNOWN_ITEM_TYPES = kindSet<NonNullable<KnownInputItem["type"]>>()([
  "message",
  "reasoning",
  "function_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "local_shell_call",
  "local_shell_call_output",
  "tool_search_call",
  "tool_search_output",
  "web_search_call",
  "image_generation_call",
  "compaction",
  "compaction_summary",
  "compaction_trigger",
  "input_text",
  "input_image",
]);

/** The item's type, `message` when absent (Codex omits it on plain messages). */
export function itemType(item: InputItem): string {
  return item.type ?? "message";
}

/** Narrows an item to the kinds the converters translate. */
export function isKnownInputItem(item: InputItem): item is KnownInputItem {
  return KNOWN_ITEM_TYPES.has(itemType(item));
}

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
