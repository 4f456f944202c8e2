import type { ResponsesRequest } from "../responses/responses-types.ts";
import type { ModelConfig } from "../settings/settings-types.ts";
import type { ChatRequest } from "./chat-types.ts";
import { convertResponsesInputToChatMessages, type InputConversionOptions } from "./convert-responses-input-to-chat-messages.ts";
import { continueChatMessages, noteChatMessages } from "./continue-chat-messages.ts";
import type { RouteContext } from "../routes/upstream-route.ts";
import { convertResponsesToolsToChat, type ToolNameMap } from "./convert-responses-tools-to-chat.ts";
import { mapTextFormatToChat, mapVerbosityToChat } from "./map-text-format-to-chat.ts";
import { isRemoteCompaction } from "../compaction/is-remote-compaction.ts";

export interface ChatConversion {
  body: ChatRequest;
  tools: ToolNameMap;
  /** The input ends with `compaction_trigger`: answer with one `compaction` item (remote compaction v2). */
  remoteCompaction: boolean;
}

/** Google's OpenAI-compatible Gemini endpoint (AI Studio or Vertex), which validates thought signatures. */
export function isGoogleGeminiEndpoint(model: ModelConfig): boolean {
  return /gemini/i.test(model.model) && /(generativelanguage|aiplatform)\.googleapis\.com$/i.test(hostOf(model.baseUrl));
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

/**
 * Responses request → chat-completions request. Only fields chat providers understand are
 * sent; `store`, `include`, `prompt_cache_key`, `client_metadata` and the like are dropped
 * because strict providers reject unknown fields.
 */
export function convertResponsesRequestToChat(req: ResponsesRequest, model: ModelConfig, notes: string[], continuation?: RouteContext["continuation"]): ChatConversion {
  const tools = convertResponsesToolsToChat(req.tools ?? [], notes);
  const opts: InputConversionOptions = { noImages: model.noImageSupport, notes, toolNames: tools, upstreamModel: model.model, geminiSignatureFallback: isGoogleGeminiEndpoint(model) };
  const toolNames = tools.chatTools.map((t) => t.function.name).join(",");
  // A continuation translates only what came after the cached input (null: translate it all).
  const messages = continueChatMessages(continuation, req, opts, toolNames) ?? convertResponsesInputToChatMessages(req, opts);
  noteChatMessages(messages, req, opts, toolNames);
  const body: ChatRequest = {
    model: model.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  };
  const remoteCompaction = isRemoteCompaction(req.input);
  // A summary is wanted, not tool calls: the tools stay out of a compaction request.
  if (tools.chatTools.length && !remoteCompaction) {
    body.tools = tools.chatTools;
    const choice = tools.mapChatToolChoice(req.tool_choice);
    if (choice) body.tool_choice = choice;
    if (typeof req.parallel_tool_calls === "boolean") body.parallel_tool_calls = req.parallel_tool_calls;
  }
  const effort = req.reasoning?.effort;
  if (effort && model.reasoning !== false && effort !== "none") body.reasoning_effort = effort === "xhigh" ? "high" : effort === "minimal" ? "low" : effort;
  const maxOut = req.max_output_tokens ?? model.maxOutputTokens;
  if (typeof maxOut === "number" && maxOut > 0) {
    // OpenAI's reasoning models reject the legacy `max_tokens` (400 unsupported_parameter).
    if (/(^|\.)openai\.com$|\.openai\.azure\.com$/i.test(hostOf(model.baseUrl))) body.max_completion_tokens = maxOut;
    else body.max_tokens = maxOut;
  }
  if (typeof req.temperature === "number") body.temperature = req.temperature;
  if (typeof req.top_p === "number") body.top_p = req.top_p;
  const format = mapTextFormatToChat(req.text);
  if (format) body.response_format = format;
  const verbosity = mapVerbosityToChat(req.text, model);
  if (verbosity) body.verbosity = verbosity;
  return { body, tools, remoteCompaction };
}
